// Which boards an example is built for: the Arduino CI marker files (`.<board>.test.skip/only`) first, then
// FastLED's `// @filter` directive of the main `.ino`. A malformed directive is an error of that example
// (reported when it is built), not a reason to skip it silently.
import { admits, FilterError, markerFilesAdmit, parseFilters } from '../filters';
import type { Example } from '../library/discover';
import type { BoardDefinition, BoardTraits } from '../toolchain/types';
import type { PluginState } from './state';

export type Verdict = { admitted: true } | { admitted: false; reason: string; invalid?: boolean };

export function exampleVerdict(state: PluginState, ex: Example, board: BoardDefinition, traits: BoardTraits = board.traits): Verdict {
  const markers = markerFilesAdmit(ex.folderFiles, board.name);
  if (!markers.admitted) return markers;
  const main = ex.inoFiles[0];
  try {
    return admits(parseFilters(state.readText(main), main), traits);
  } catch (e) {
    if (e instanceof FilterError) return { admitted: false, reason: e.message, invalid: true };
    throw e;
  }
}
