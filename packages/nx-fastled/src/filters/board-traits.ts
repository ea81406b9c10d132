// What FastLED's example filters know about a board: ci/boards.py's `board_name`, `platform_family`,
// `get_mcu_target()` and `memory_class`, copied for the boards we build. The host build's values are those
// of the stub board in FastLED's ci/meson/filter_examples_for_stub.py.

/** FastLED's memory tiers (ordered tiny < low < large < huge); its stub board says `high`, which FastLED
 * does not know as a tier: it then counts as `large` for `(memory is X)` and matches `(memory is high)`. */
export type MemoryClass = 'tiny' | 'low' | 'large' | 'huge' | 'high';

export interface BoardTraits {
  /** Our board id (the `<b>` of project names). */
  board: string;
  /** The board's platform as FastLED's CI names it (PlatformIO's platform: `atmelavr`). */
  platform: string;
  /** FastLED's `platform_family`: what a filter's `platform` property is compared with (`avr`). */
  family: string;
  /** FastLED's MCU target (`ATMEGA328P`); empty when FastLED has none, which fails any `target` filter. */
  target: string;
  memory: MemoryClass;
  /** The name a filter's `board` property is compared with when it differs from `board` (host: `stub`). */
  filterBoardName?: string;
}

export const FASTLED_BOARD_TRAITS: Readonly<Record<'uno' | 'native', BoardTraits>> = {
  // ci/boards.py: UNO = Board(board_name="uno", platform="atmelavr"); low-memory board list has "uno".
  uno: { board: 'uno', platform: 'atmelavr', family: 'avr', target: 'ATMEGA328P', memory: 'low' },
  // ci/meson/filter_examples_for_stub.py: StubBoard(platform_family="native", memory_class="high",
  // board_name="stub", get_mcu_target()="native").
  native: { board: 'native', platform: 'native', family: 'native', target: 'native', memory: 'high',
    filterBoardName: 'stub' },
};
