// The end of a run tells where the results are and what was built, and a board from the options whose
// toolchain is missing is said in the terminal and in the report (it is skipped, never silently).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeWorkspace, TestWorkspace } from './support/workspace';

/** A PATH with everything the host has except the AVR toolchain. */
function pathWithoutAvr(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const bin of ['/usr/local/bin', '/usr/bin', '/bin', path.dirname(process.execPath)]) {
    if (!fs.existsSync(bin)) continue;
    const names = fs.readdirSync(bin);
    for (const name of names) {
      if (name.startsWith('avr-') || fs.existsSync(path.join(dir, name))) continue;
      fs.symlinkSync(path.join(bin, name), path.join(dir, name));
    }
  }
  return dir;
}

describe('end-of-run summary', () => {
  let ws: TestWorkspace;
  let out: string;
  beforeAll(() => {
    ws = makeWorkspace({ libraries: ['Flat15'], boards: ['native', 'uno'] });
    const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static'], {
      PATH: pathWithoutAvr(path.join(path.dirname(ws.root), 'bin')),
      HOME: path.dirname(ws.root),
      // The platform model finds Debian's avr-gcc through platform.txt, not PATH: an empty prefix is the
      // machine without the AVR compiler.
      NX_FASTLED_UNO_PREFIX: fs.mkdtempSync(path.join(path.dirname(ws.root), 'no-avr-')),
    });
    out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`nx run-many failed (${r.status}):\n${out.slice(-4000)}`);
  });

  it('prints the report path and the counts per board', () => {
    expect(out).toContain('nx-fastled: build report: dist/report/report.html');
    expect(out).toMatch(/nx-fastled: 2 example builds done, 0 failed, 0 not built .*native 2\/0\/0/);
  });

  it('says that uno was not built and why, in the terminal and in the report', () => {
    expect(out).toMatch(/nx-fastled: board "uno" was not built: .* was not found; install it with: .*gcc-avr/);
    const report = JSON.parse(ws.read('dist/report/report.json'));
    expect(report.boardsNotBuilt).toEqual([{ board: 'uno', reason: expect.stringMatching(/was not found; install it with: .*gcc-avr/) }]);
    expect(ws.read('dist/report/report.md')).toMatch(/\*\*Board uno was not built: /);
    expect(ws.read('dist/report/report.html')).toMatch(/id="boards-not-built">Board uno was not built: /);
  });
});
