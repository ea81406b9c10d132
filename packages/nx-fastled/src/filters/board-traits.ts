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
  native: { board: 'native', platform: 'native', family: 'native', target: 'native', memory: 'high', filterBoardName: 'stub' },
};

/**
 * Boards FastLED's ci/boards.py defines, as `Board(board_name, platform, board_build_mcu)` (AVR and megaAVR
 * ones, the only platforms installable here): their traits are FastLED's own.
 */
const FASTLED_BOARDS: Readonly<Record<string, { platform: string; mcu?: string }>> = {
  uno: { platform: 'atmelavr' },
  leonardo: { platform: 'atmelavr' },
  atmega8a: { platform: 'atmelavr', mcu: 'atmega8a' },
  attiny85: { platform: 'atmelavr' },
  attiny88: { platform: 'atmelavr' },
  attiny4313: { platform: 'atmelavr' },
  'digispark-tiny': { platform: 'atmelavr', mcu: 'attiny85' },
  nano_every: { platform: 'atmelmegaavr' },
  ATtiny1604: { platform: 'atmelmegaavr' },
  ATtiny1616: { platform: 'atmelmegaavr' },
};

// ci/boards.py memory_class: its board lists and low-memory platforms.
const TINY_BOARDS = ['attiny85', 'attiny88', 'attiny4313', 'attiny1604', 'digispark-tiny'];
const LOW_BOARDS = [
  'uno',
  'nano',
  'nano_every',
  'leonardo',
  'attiny1616',
  'teensylc',
  'teensy30',
  'teensy31',
  'teensy32',
  'stm32f103c8',
  'stm32f103cb',
  'stm32f103tb',
  'esp8266',
  'uno_r4_wifi',
  'uno_r4_minima',
];
const LOW_PLATFORMS = ['atmelavr', 'atmelmegaavr', 'renesas-ra'];
const HUGE_BOARDS = ['teensy35', 'teensy36', 'teensy40', 'teensy41', 'native', 'web'];

/** An Arduino architecture as PlatformIO (and so FastLED's CI) names its platform. */
const PLATFORM_OF_ARCH: Readonly<Record<string, string>> = {
  avr: 'atmelavr',
  megaavr: 'atmelmegaavr',
  sam: 'atmelsam',
  samd: 'atmelsam',
  esp32: 'espressif32',
  esp8266: 'espressif8266',
  rp2040: 'raspberrypi',
  mbed_rp2040: 'raspberrypi',
  renesas_uno: 'renesas-ra',
  nrf52: 'nordicnrf52',
  stm32: 'ststm32',
};

/** ci/boards.py platform_family. */
export function platformFamily(platform: string): string {
  const p = platform.toLowerCase();
  if (!p) return 'unknown';
  if (p.includes('atmelavr') || p.includes('atmelmegaavr')) return 'avr';
  if (p.includes('espressif32') || p.includes('esp32')) return 'esp32';
  if (p.includes('espressif8266') || p.includes('esp8266')) return 'esp8266';
  if (p.includes('teensy')) return 'teensy';
  if (p.includes('ststm32') || p.includes('stm32')) return 'stm32';
  if (p.includes('atmelsam') || p.includes('sam')) return 'sam';
  if (p.includes('raspberrypi') || p.includes('rp2040')) return 'rp';
  if (p.includes('nordicnrf52') || p.includes('nrf52')) return 'nrf52';
  if (p.includes('renesas')) return 'renesas';
  if (p.includes('native')) return 'native';
  if (p.includes('apollo')) return 'apollo3';
  if (p.includes('siliconlabs') || p.includes('efm32')) return 'efm32';
  return platform;
}

/** ci/boards.py get_mcu_target for AVR names (others: undefined, the caller derives it). */
function fastledTarget(board: string, mcu?: string): string | undefined {
  if (mcu) return mcu.toUpperCase();
  const b = board.toLowerCase();
  if (b === 'uno' || b === 'nano') return 'ATMEGA328P';
  if (b.includes('leonardo')) return 'ATMEGA32U4';
  if (b.startsWith('attiny')) return board.toUpperCase();
  if (b === 'nano_every') return 'ATMEGA4809';
  return undefined;
}

/** ci/boards.py memory_class: by board name, then platform; undefined where FastLED falls back to `large`. */
function fastledMemory(board: string, platform: string): MemoryClass | undefined {
  if (TINY_BOARDS.includes(board.toLowerCase())) return 'tiny';
  if (LOW_BOARDS.includes(board) || LOW_PLATFORMS.includes(platform)) return 'low';
  if (HUGE_BOARDS.includes(board) || ['esp32', 'native'].includes(platformFamily(platform)) || /raspberrypi|rp2040/i.test(platform))
    return 'huge';
  if (/samd51|stm32f4|stm32h7|giga/i.test(board)) return 'huge';
  return undefined;
}

export interface ArduinoBoardFacts {
  /** Board id (project names, `dist/<id>/`). */
  id: string;
  /** boards.txt key: what FastLED's filters call the board (`board is mega`). */
  key: string;
  arch: string;
  /** build.mcu */
  mcu: string;
  /** upload.maximum_data_size, if the board states it. */
  ramBytes?: number;
}

export interface DerivedTraits extends BoardTraits {
  /** How the traits were found, for `nx show project`. */
  source: string;
}

/**
 * FastLED's filter vocabulary for an Arduino board: FastLED's own values for a board its CI defines; for any
 * other board, the same rules applied to what boards.txt says (PlatformIO's name for the architecture,
 * `build.mcu` as the target), and `tiny` memory for 1 KB of RAM or less (FastLED's definition of the tier).
 */
export function arduinoBoardTraits(f: ArduinoBoardFacts): DerivedTraits {
  const known = FASTLED_BOARDS[f.key];
  const platform = known?.platform ?? PLATFORM_OF_ARCH[f.arch] ?? f.arch;
  const family = platformFamily(platform);
  if (known) {
    return {
      board: f.id,
      filterBoardName: f.key === f.id ? undefined : f.key,
      platform,
      family,
      target: fastledTarget(f.key, known.mcu) ?? '',
      memory: fastledMemory(f.key, platform) ?? 'large',
      source: `FastLED ci/boards.py board "${f.key}"`,
    };
  }
  const byName = fastledMemory(f.key, platform);
  const tinyBySize = f.ramBytes !== undefined ? f.ramBytes <= 1024 : TINY_BOARDS.includes(f.mcu.toLowerCase());
  // FastLED's board-name lists first, then RAM size (its tier definitions), then its platform rule.
  const named = TINY_BOARDS.includes(f.key.toLowerCase())
    ? 'tiny'
    : LOW_BOARDS.includes(f.key)
      ? 'low'
      : HUGE_BOARDS.includes(f.key)
        ? 'huge'
        : undefined;
  const memory: MemoryClass =
    named ?? (tinyBySize ? 'tiny' : (byName ?? (f.ramBytes !== undefined && f.ramBytes >= 256 * 1024 ? 'huge' : 'large')));
  return {
    board: f.id,
    filterBoardName: f.key === f.id ? undefined : f.key,
    platform,
    family,
    target: fastledTarget(f.key) ?? f.mcu.toUpperCase(),
    memory,
    source: `derived (FastLED's CI does not define "${f.key}"): platform from the architecture, target from build.mcu, memory from ${f.ramBytes !== undefined ? `${f.ramBytes} bytes of RAM` : 'the MCU'} and FastLED's rules`,
  };
}
