// The boards nx-fastled knows. Traits follow FastLED's sketch filter vocabulary (platform, target, memory).
import type { BoardDefinition } from './types';
import { avrBoard } from './avr';
import { nativeBoard } from './native';
import { FASTLED_BOARD_TRAITS } from '../filters';

export const BOARDS: Record<string, BoardDefinition> = {
  native: nativeBoard(),
  uno: avrBoard('uno', 'uno', FASTLED_BOARD_TRAITS.uno),
};

export function knownBoards(): string[] {
  return Object.keys(BOARDS).sort();
}
