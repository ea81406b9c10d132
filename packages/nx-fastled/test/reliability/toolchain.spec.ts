// Toolchains that are not there: a board requested with NX_FASTLED_BOARDS whose compiler or Arduino core is
// missing (simulated with empty prefix and core folders, so this runs on any machine), and a board name
// nx-fastled does not know. One message, naming the board, what is missing and how to install it; no stack.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestWorkspace } from '../support/workspace';
import { byId, frozenWorkspace, plain, STACK_FRAME } from './helpers';

jest.setTimeout(120_000);

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-toolchain-'));

describe('missing or unknown toolchains', () => {
  let ws: TestWorkspace;
  const emptyPrefix = path.join(TMP, 'empty-prefix');
  const emptyCore = path.join(TMP, 'empty-core');
  beforeAll(() => {
    fs.mkdirSync(emptyPrefix, { recursive: true });
    fs.mkdirSync(emptyCore, { recursive: true });
    ws = frozenWorkspace({ libraries: ['Flat15'], boards: ['native', 'uno'], parent: path.join(TMP, 'a') });
  });

  it('uno requested with an empty prefix and core: one message naming the board, what is missing and the install command', () => {
    const r = ws.nx(['run', 'flat15/Hello:build', '--outputStyle=static'], {
      NX_FASTLED_BOARDS: 'uno',
      NX_FASTLED_UNO_PREFIX: emptyPrefix,
      NX_FASTLED_UNO_CORE: emptyCore,
    });
    const out = plain(`${r.stdout}\n${r.stderr}`);
    expect(r.status).not.toBe(0);
    expect(out).toMatch(/nx-fastled: board "uno" cannot be built: .+ was not found\./);
    expect(out).toContain(emptyPrefix); // where it looked
    expect(out).toContain('install it with: sudo apt-get install -y gcc-avr avr-libc binutils-avr arduino-core-avr');
    expect(out).toContain('NX_FASTLED_UNO_PREFIX=<prefix holding bin/>');
    expect(out).not.toMatch(STACK_FRAME);
    const tasks = byId(ws.lastRun().tasks);
    expect(tasks.get('uno/toolchain:check')?.status).toBe('failure');
    // nothing was compiled for uno
    expect(fs.existsSync(path.join(ws.root, 'dist/uno'))).toBe(false);
  });

  it('the same board in nx.json but not requested explicitly is skipped, with the reason, and native still builds', () => {
    const r = ws.nx(['run', 'flat15/Hello:build', '--outputStyle=static'], {
      NX_FASTLED_UNO_PREFIX: emptyPrefix,
      NX_FASTLED_UNO_CORE: emptyCore,
    });
    expect(plain(r.stdout + r.stderr)).not.toMatch(STACK_FRAME);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(ws.root, 'dist/native/flat15/examples/Hello/Hello.elf'))).toBe(true);
  });

  it('an unknown board name: the message lists the known boards', () => {
    const r = ws.nx(['run', 'flat15/Hello:build', '--outputStyle=static'], { NX_FASTLED_BOARDS: 'esp99' });
    const out = plain(`${r.stdout}\n${r.stderr}`);
    expect(r.status).not.toBe(0);
    expect(out).toContain('nx-fastled: unknown board "esp99". Known boards: native, uno, ');
    expect(out).not.toMatch(STACK_FRAME);
  });
});
