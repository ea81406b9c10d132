// The boards nx-fastled knows: `native` (the host compiler) and every board of an installed Arduino platform,
// by FQBN (`arduino:avr:mega:cpu=atmega2560`) or alias (`uno`, `mega`, `leonardo`: boards of arduino:avr).
import type { BoardDefinition, LocateInput } from './types';
import { ARDUINO_AVR_BOARDS, arduinoBoard } from './arduino';
import { nativeBoard } from './native';

/** The default boards as definitions (tests and tools that want one without resolving a name). */
export const BOARDS: Record<'native' | 'uno', BoardDefinition> = {
  native: nativeBoard(),
  uno: arduinoBoard('uno')!,
};

/** The definition of a board name, or undefined when no platform can have it. */
export function boardDefinition(name: string, input?: Pick<LocateInput, 'env' | 'homeDir' | 'hardwareDirs'>): BoardDefinition | undefined {
  if (name === 'native') return BOARDS.native;
  return arduinoBoard(name, input);
}

/** Names for messages: the defaults first, then the other aliases of Arduino's AVR core. */
export function knownBoards(): string[] {
  return ['native', 'uno', ...ARDUINO_AVR_BOARDS.filter((b) => b !== 'uno').sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))];
}
