// The Arduino CI marker-file convention (adafruit/ci-arduino build_platform.py, also used by other
// libraries): in the folder holding an example's .ino,
//   `.<board>.test.skip`  -> the example is not built for <board>;
//   `.<board>.test.only`  -> if any `.*.test.only` file exists, only the boards named by one are built.
// The skip file is checked first. Names are case-sensitive (as the script's os.path.exists on Linux), and
// the board is the CI's board key, which for us is the board id (`uno`, `native`).

import type { Admission } from './sketch-filter';

const ONLY = /^\.(.*)\.test\.only$/;

/** `fileNames`: the names (not paths) of the files in the example folder, dotfiles included. */
export function markerFilesAdmit(fileNames: readonly string[], board: string): Admission {
  const names = new Set(fileNames);
  const skip = `.${board}.test.skip`;
  if (names.has(skip)) return { admitted: false, reason: `${skip} is in the example folder` };
  const only = [...names].filter((n) => ONLY.test(n)).sort();
  if (only.length && !names.has(`.${board}.test.only`)) {
    const boards = only.map((n) => (ONLY.exec(n) as RegExpExecArray)[1]).join(', ');
    return { admitted: false, reason: `${only.join(', ')} in the example folder: built only for ${boards}` };
  }
  return { admitted: true };
}
