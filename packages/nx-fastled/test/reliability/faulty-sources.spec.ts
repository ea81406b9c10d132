// Faulty sources on the fixture libraries (test/fixtures/libs/README.md), real host g++ (and avr for the size
// limits): every fault gives one precise message, never breaks the graph for the other projects, is never
// cached as a success, and fixing it rebuilds only what it touches.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileInputs } from '../../src/plugin/shared-inputs';
import { HAS_AVR, TestWorkspace } from '../support/workspace';
import { BUILD_ARGS, byId, frozenWorkspace, isHit, plain, projectGraph, STACK_FRAME, Task } from './helpers';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-faulty-'));

jest.setTimeout(180_000);

const B = 'libraries/Broken/examples';
/** Compile tasks that must fail on native, by example, with the message that must name the cause. */
const FAILING_COMPILES: Record<string, RegExp> = {
  SyntaxError: /libraries\/Broken\/examples\/SyntaxError\/Helper\.ino:5:17: error: expected primary-expression before ['‘]?;/,
  TwoSetups:
    /libraries\/Broken\/examples\/TwoSetups\/TwoSetups\.ino:7: setup\(\) is defined twice: at libraries\/Broken\/examples\/TwoSetups\/TwoSetups\.ino:3 and here; .*remove or rename one of them/,
  Latin1: /libraries\/Broken\/examples\/Latin1\/Latin1\.ino:1: is not valid UTF-8 \(byte 0xe9 at offset \d+\); .*re-save the file as UTF-8/,
  MissingHeader:
    /libraries\/Broken\/examples\/MissingHeader\/MissingHeader\.ino:2:10: fatal error: DoesNotExist\.h: No such file or directory/,
};
const compileId = (ex: string) => `native/broken/examples/${ex}/${ex}.ino:compile`;
const GOOD_EXAMPLES = [
  'flat15/Hello:build',
  'flat15/NativeOnly:build',
  'broken/IncludeCycle:build',
  'broken/_n_code_Demo:build',
  'broken/TooBigFlash:build',
  'broken/TooBigRam:build',
];

describe('faulty sources (native)', () => {
  let ws: TestWorkspace;
  let cacheDirectory: string;
  let first: { status: number | null; out: string; tasks: Task[] };

  beforeAll(() => {
    ws = frozenWorkspace({ libraries: ['Broken', 'Flat15', 'BadProps'], boards: ['native'], parent: path.join(TMP, 'native') });
    cacheDirectory = path.join(path.dirname(ws.root), 'nx-cache');
    const r = ws.nx([...BUILD_ARGS, '--nx-bail=false']);
    first = { status: r.status, out: plain(`${r.stdout}\n${r.stderr}`), tasks: ws.lastRun().tasks };
  });

  it('graph construction survives every fault: nx show projects lists the good projects and a failing project per bad one', () => {
    const r = ws.nx(['show', 'projects', '--json']);
    expect(r.status).toBe(0);
    const names: string[] = JSON.parse(r.stdout);
    expect(names).toEqual(
      expect.arrayContaining([
        'flat15/Hello',
        'flat15/NativeOnly',
        'broken/IncludeCycle',
        'broken/SyntaxError',
        'broken/TwoSetups',
        'broken/Latin1',
        'broken/MissingHeader',
        'broken/_n_code_Demo',
        'native/flat15/examples/Hello',
        // the malformed library and the folder without its main .ino become failing projects, not crashes
        'BadProps',
        'broken/examples/NoMain',
      ]),
    );
    expect(plain(r.stderr)).not.toMatch(STACK_FRAME);
  });

  it('a missing header also says what was compiled for which board and where headers were searched', () => {
    expect(plain(first.out)).toMatch(
      /nx-fastled: libraries\/Broken\/examples\/MissingHeader\/MissingHeader\.ino did not compile for native; headers were searched in: .*libraries\/Broken\/src, libraries\/Broken\/examples\/MissingHeader/,
    );
  });

  it('a syntax error names the .ino file and line (not the generated .ino.cpp); --nx-bail=false builds every other example; exit non-zero', () => {
    expect(first.status).not.toBe(0);
    expect(first.out).toMatch(FAILING_COMPILES.SyntaxError);
    expect(first.out).not.toMatch(/SyntaxError\.ino\.cpp:\d+/);
    const tasks = byId(first.tasks);
    for (const id of GOOD_EXAMPLES) expect({ id, status: tasks.get(id)?.status }).toEqual({ id, status: 'success' });
    for (const ex of ['Hello', 'NativeOnly'])
      expect(fs.existsSync(path.join(ws.root, `dist/native/flat15/examples/${ex}/${ex}.elf`))).toBe(true);
    expect(first.out).not.toMatch(STACK_FRAME);
  });

  it.each(Object.keys(FAILING_COMPILES))('%s: its compile fails with a precise message, is recorded as a failure and not cached', (ex) => {
    expect(first.out).toMatch(FAILING_COMPILES[ex]);
    const t = byId(first.tasks).get(compileId(ex))!;
    expect(t.status).toBe('failure');
    expect(fs.existsSync(path.join(cacheDirectory, t.hash!))).toBe(false);
    // nothing that looks finished is left behind
    expect(fs.existsSync(path.join(ws.root, `dist/native/broken/obj/examples/${ex}/${ex}.ino.cpp.o`))).toBe(false);
    expect(byId(first.tasks).get(`native/broken/examples/${ex}:link`)).toBeUndefined(); // never started
  });

  it('malformed library.properties: file, line and the rule; the library is one failing project', () => {
    expect(first.out).toContain(
      'nx-fastled: libraries/BadProps/library.properties:3: expected "key=value", found "this line has no equals sign"; every line of library.properties must be "key=value"',
    );
    expect(byId(first.tasks).get('BadProps:build')?.status).toBe('failure');
  });

  it('an example folder without <Folder>.ino: what is wrong and what to rename', () => {
    expect(first.out).toContain(
      'nx-fastled: libraries/Broken/examples/NoMain: example folder has .ino files (Other.ino) but no NoMain.ino: rename the main sketch to NoMain.ino',
    );
    expect(byId(first.tasks).get('broken/examples/NoMain:build')?.status).toBe('failure');
  });

  it('a name with a space and non-ASCII letters builds (quoted paths, sanitised project name)', () => {
    expect(byId(first.tasks).get('native/broken/examples/_n_code_Demo:link')?.status).toBe('success');
    expect(fs.existsSync(path.join(ws.root, 'dist/native/broken/examples/Ünïcode Demo/Ünïcode Demo.elf'))).toBe(true);
  });

  it('a header include cycle terminates: builds, and the compile inputs list each header once', () => {
    expect(byId(first.tasks).get('native/broken/examples/IncludeCycle:link')?.status).toBe('success');
    const graph = projectGraph(ws);
    const node = graph.nodes['native/broken/examples/IncludeCycle/IncludeCycle.ino'];
    const inputs = fileInputs(node.data.targets.compile, (n) => graph.nodes[n]?.data);
    const headers = inputs.filter((i) => /IncludeCycle\/[AB]\.h$/.test(i));
    expect(headers).toEqual([`${B}/IncludeCycle/A.h`, `${B}/IncludeCycle/B.h`]);
  });

  it('a rerun without change reruns the failed tasks (no cached failure) and hits everything that succeeded', () => {
    const r = ws.nx([...BUILD_ARGS, '--nx-bail=false']);
    expect(r.status).not.toBe(0);
    const tasks = ws.lastRun().tasks;
    const before = byId(first.tasks);
    for (const t of tasks) {
      if (!['compile', 'archive', 'link'].includes(t.target)) continue;
      const was = before.get(t.id)!.status;
      expect({ id: t.id, status: t.status }).toEqual({
        id: t.id,
        status: was === 'failure' ? 'failure' : expect.stringMatching(/^local-cache/),
      });
    }
    expect(plain(r.stdout + r.stderr)).toMatch(FAILING_COMPILES.SyntaxError);
  });

  it('fixing the syntax error rebuilds only that sketch: every other compile, archive and link is a cache hit', () => {
    const helper = `${B}/SyntaxError/Helper.ino`;
    ws.write(helper, ws.read(helper).replace('return value +;', 'return value + 1;'));
    const r = ws.nx([...BUILD_ARGS, '--nx-bail=false']);
    expect(r.status).not.toBe(0); // the other broken examples still fail
    const ran = ws.lastRun().tasks.filter((t) => ['compile', 'archive', 'link'].includes(t.target) && !isHit(t));
    const stillBroken = new Set(
      Object.keys(FAILING_COMPILES)
        .filter((e) => e !== 'SyntaxError')
        .map(compileId),
    );
    expect(
      ran
        .filter((t) => !stillBroken.has(t.id))
        .map((t) => `${t.id} ${t.status}`)
        .sort(),
    ).toEqual(['native/broken/examples/SyntaxError/SyntaxError.ino:compile success', 'native/broken/examples/SyntaxError:link success']);
    expect(ran.filter((t) => stillBroken.has(t.id)).every((t) => t.status === 'failure')).toBe(true);
    expect(fs.existsSync(path.join(ws.root, 'dist/native/broken/examples/SyntaxError/SyntaxError.elf'))).toBe(true);
  });
});

(HAS_AVR ? describe : describe.skip)('too large for the board (uno)', () => {
  let ws: TestWorkspace;
  let cacheDirectory: string;
  let out: string;
  let status: number | null;
  const LIMITS = ['broken/TooBigFlash', 'broken/TooBigRam'];

  beforeAll(() => {
    ws = frozenWorkspace({ libraries: ['Broken'], boards: ['uno'], parent: path.join(TMP, 'uno') });
    cacheDirectory = path.join(path.dirname(ws.root), 'nx-cache');
    const r = ws.nx(['run-many', '-t', 'build', '-p', ...LIMITS, '--outputStyle=static', '--parallel=2', '--nx-bail=false']);
    status = r.status;
    out = plain(`${r.stdout}\n${r.stderr}`);
  });

  it('flash over the limit: the link fails with both sizes and the limit, nothing cached, no .elf/.hex left', () => {
    expect(status).not.toBe(0);
    expect(out).toMatch(
      /nx-fastled: dist\/uno\/broken\/examples\/TooBigFlash\/TooBigFlash\.elf: too large for uno: flash 32516 bytes > 32256 bytes \(over by 260\)\. Flash 32516\/32256 bytes, RAM \d+\/2048 bytes\./,
    );
    const t = byId(ws.lastRun().tasks).get('uno/broken/examples/TooBigFlash:link')!;
    expect(t.status).toBe('failure');
    expect(fs.existsSync(path.join(cacheDirectory, t.hash!))).toBe(false);
    expect(fs.readdirSync(path.join(ws.root, 'dist/uno/broken/examples/TooBigFlash'))).toEqual([]);
  });

  it('RAM over the limit (the linker itself refuses): the message still gives both sizes and the limit', () => {
    expect(out).toMatch(
      /nx-fastled: dist\/uno\/broken\/examples\/TooBigRam\/TooBigRam\.elf: too large \(the linker refused it\) for uno: RAM (\d+) bytes > 2048 bytes \(over by \d+\)\. Flash \d+\/32256 bytes, RAM \1\/2048 bytes\./,
    );
    const t = byId(ws.lastRun().tasks).get('uno/broken/examples/TooBigRam:link')!;
    expect(t.status).toBe('failure');
    expect(fs.existsSync(path.join(cacheDirectory, t.hash!))).toBe(false);
    expect(fs.readdirSync(path.join(ws.root, 'dist/uno/broken/examples/TooBigRam'))).toEqual([]);
  });

  it('a rerun links both again (the failures were not cached) and fails the same way', () => {
    const r = ws.nx(['run-many', '-t', 'build', '-p', ...LIMITS, '--outputStyle=static', '--nx-bail=false']);
    expect(r.status).not.toBe(0);
    const tasks = byId(ws.lastRun().tasks);
    expect(tasks.get('uno/broken/examples/TooBigFlash:link')?.status).toBe('failure');
    expect(tasks.get('uno/broken/examples/TooBigRam:link')?.status).toBe('failure');
    expect(tasks.get('uno/core:archive')?.status).toMatch(/^local-cache/);
  });
});
