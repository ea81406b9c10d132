// User-facing messages shared by createNodes and preTasksExecution.
import type { Missing } from '../toolchain/types';

export function missingToolchainMessage(m: Missing): string {
  return [
    `nx-fastled: board "${m.board}" cannot be built: ${m.missing} was not found.`,
    `  looked in: ${m.searched.join('; ')}`,
    `  install it with: ${m.install}`,
    `  or point nx-fastled at an existing one with NX_FASTLED_${m.board.toUpperCase()}_PREFIX=<prefix holding bin/> (and NX_FASTLED_${m.board.toUpperCase()}_CORE=<Arduino core folder> for AVR boards).`,
  ].join('\n');
}
