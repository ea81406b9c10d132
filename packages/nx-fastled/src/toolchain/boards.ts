// The boards nx-fastled knows. Traits follow FastLED's sketch filter vocabulary (platform, target, memory).
import type { BoardDefinition } from './types';
import { avrBoard } from './avr';
import { nativeBoard } from './native';

export const BOARDS: Record<string, BoardDefinition> = {
  native: nativeBoard(),
  uno: avrBoard('uno', 'uno', { board: 'uno', platform: 'avr', family: 'avr', target: 'ATMEGA328P', memory: 'low' }),
};

export function knownBoards(): string[] {
  return Object.keys(BOARDS).sort();
}
