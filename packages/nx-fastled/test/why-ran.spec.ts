// "Why did this run?" with the real host compiler and Nx: one tiny workspace (Legacy10: two library TUs, three
// sketches), one change per step, and the reasons the run record (dist/report/run.json, `why`) gives for the
// tasks that ran: a source edit, a header edit, a flag (libraryDefines in nx-fastled.json, which Nx does not
// hash into every task), a new toolchain identity (the same g++ behind other driver programs), a dependency's
// output. Also the end-of-run lines and the report's task graph section, where an example the board's filters
// exclude (`Skipped`, a `.native.test.skip` file) is listed as not built, not as a cache hit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeWorkspace, TestWorkspace } from './support/workspace';

jest.setTimeout(600_000);

type Why = { kind: string; subject: string }[];
type RunTask = { id: string; status: string; why?: Why };

describe('why tasks ran (native board, Legacy10)', () => {
  let ws: TestWorkspace;
  let out = '';
  const run = (env: Record<string, string> = {}): Map<string, RunTask> => {
    const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static'], env);
    if (r.status !== 0) throw new Error(`nx run-many failed:\n${r.stdout.slice(-4000)}\n${r.stderr}`);
    out = r.stdout;
    return new Map((ws.lastRun().tasks as RunTask[]).map((t) => [t.id, t]));
  };
  const ran = (tasks: Map<string, RunTask>) =>
    [...tasks.values()]
      .filter((t) => t.status === 'success')
      .map((t) => t.id)
      .sort();
  const why = (tasks: Map<string, RunTask>, id: string) => tasks.get(id)?.why;

  beforeAll(() => {
    ws = makeWorkspace({ libraries: ['Legacy10'], boards: ['native'] });
    ws.write('libraries/Legacy10/examples/Skipped/Skipped.ino', 'void setup() {}\nvoid loop() {}\n');
    ws.write('libraries/Legacy10/examples/Skipped/.native.test.skip', '');
    const first = run();
    expect([...first.values()].every((t) => t.status === 'success')).toBe(true);
    expect(why(first, 'native/legacy10/Legacy10.cpp:compile')).toEqual([{ kind: 'new', subject: 'first run of this task recorded here' }]);
  });
  afterAll(() => fs.rmSync(path.dirname(ws.root), { recursive: true, force: true }));

  it('a source edit: that TU (source), the archive (its object), every link (the archive)', () => {
    ws.write('libraries/Legacy10/Legacy10.cpp', ws.read('libraries/Legacy10/Legacy10.cpp') + '\nint legacy10_extra() { return 7; }\n');
    const t = run();
    expect(why(t, 'native/legacy10/Legacy10.cpp:compile')).toEqual([{ kind: 'source', subject: 'libraries/Legacy10/Legacy10.cpp' }]);
    expect(why(t, 'native/legacy10:archive')).toEqual([{ kind: 'dependency', subject: 'dist/native/legacy10/obj/Legacy10.cpp.o' }]);
    expect(why(t, 'native/legacy10/examples/Basic:link')).toEqual([{ kind: 'dependency', subject: 'dist/native/legacy10/liblegacy10.a' }]);
    expect(t.get('native/legacy10/utility/counter.c:compile')?.status).toMatch(/^local-cache/);
    expect(out).toContain('nx-fastled: ran 1 task, source changed: libraries/Legacy10/Legacy10.cpp (1)');
    expect(out).toMatch(/nx-fastled: ran \d+ tasks, a dependency's output changed: dist\/native\/legacy10\/liblegacy10\.a \(3\)/);
  });

  it('a header edit: each TU that includes it names the header', () => {
    ws.write('libraries/Legacy10/utility/counter.h', ws.read('libraries/Legacy10/utility/counter.h') + '\n// a comment\n');
    const t = run();
    const compiles = ran(t).filter((id) => id.endsWith(':compile'));
    expect(compiles.length).toBeGreaterThan(0);
    for (const id of compiles)
      expect({ id, why: why(t, id) }).toEqual({ id, why: [{ kind: 'header', subject: 'libraries/Legacy10/utility/counter.h' }] });
    expect(out).toContain(
      `nx-fastled: ran ${compiles.length} task${compiles.length === 1 ? '' : 's'}, header changed: libraries/Legacy10/utility/counter.h (${compiles.length})`,
    );
  });

  it('a flag: libraryDefines adds -D to the library TUs and their users', () => {
    ws.write('nx-fastled.json', JSON.stringify({ libraryDefines: { Legacy10: { native: ['-DLEGACY10_WHY=1'] } } }));
    const t = run();
    expect(why(t, 'native/legacy10/Legacy10.cpp:compile')).toEqual([{ kind: 'flag', subject: '+-DLEGACY10_WHY=1' }]);
    expect(why(t, 'native/legacy10/examples/Basic/Basic.ino:compile')).toEqual([{ kind: 'flag', subject: '+-DLEGACY10_WHY=1' }]);
  });

  it('a toolchain identity change: the same g++ behind other driver programs', () => {
    const prefix = path.join(path.dirname(ws.root), 'wrapped');
    fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
    for (const p of ['gcc', 'g++', 'gcc-ar']) {
      const real = execPath(p);
      fs.writeFileSync(path.join(prefix, 'bin', p), `#!/bin/sh\nexec ${real} "$@"\n`, { mode: 0o755 });
    }
    const t = run({ NX_FASTLED_NATIVE_PREFIX: prefix });
    const compiles = ran(t).filter((id) => id.endsWith(':compile'));
    expect(compiles.length).toBe([...t.keys()].filter((id) => id.endsWith(':compile')).length);
    for (const id of compiles) {
      const w = why(t, id)!;
      expect({ id, kinds: [...new Set(w.map((r) => r.kind))] }).toEqual({ id, kinds: ['toolchain'] });
      expect(w[0].subject).toMatch(/^[0-9a-f]{12} -> [0-9a-f]{12}$/);
    }
    expect(out).toMatch(new RegExp(`nx-fastled: ran \\d+ tasks, toolchain identity changed: [0-9a-f]{12} -> [0-9a-f]{12} \\(\\d+\\)`));
  });

  it("the report draws each example's task graph with the changed input named", () => {
    const html = ws.read('dist/report/report.html');
    expect(html).toContain('<h2 id="why">What ran and why</h2>');
    expect(html).toContain('aria-label="task graph of legacy10/Basic"');
    expect(html).toMatch(
      /<code>native\/legacy10\/Legacy10\.cpp:compile<\/code>: toolchain identity changed: [0-9a-f]{12} -&gt; [0-9a-f]{12}/,
    );
    // The skipped example's only task, its no-op build, was a cache hit: it is still no example "from the cache".
    expect(ws.lastRun().tasks.find((t) => t.id === 'legacy10/Skipped:build')?.status).toMatch(/^local-cache/);
    expect(html).toContain('<h3>The whole run: 3 examples built, 1 not built <span');
    expect(html).toMatch(/<summary>1 example not built \(no board of this run builds it\): legacy10\/Skipped<\/summary>/);
    expect(html).toContain('<li><code>legacy10/Skipped</code>: native: skipped: ');
    expect(html).not.toContain('entirely from the cache');
  });
});

function execPath(program: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, program);
    if (dir && fs.existsSync(p)) return p;
  }
  throw new Error(`${program} is not on PATH`);
}
