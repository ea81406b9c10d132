// Compiler warnings (issue 12): the `warnings` option takes arduino-cli's --warnings levels (the AVR platform's
// compiler.warning_flags.<level>, the same flags on native), and the count per example survives the cache: a
// run whose tasks are all cache hits replays the compilers' output and reports the same counts as the run
// that compiled.
import { HAS_AVR, makeWorkspace, projectGraph, TestWorkspace } from './support/workspace';

interface Entry {
  example: string;
  board: string;
  warnings: number;
}

const BOARDS = HAS_AVR ? ['native', 'uno'] : ['native'];

function warningsByExample(ws: TestWorkspace): Record<string, number> {
  const report = JSON.parse(ws.read('dist/report/report.json')) as { entries: Entry[] };
  return Object.fromEntries(report.entries.map((e) => [`${e.example} ${e.board}`, e.warnings]));
}

function compileCommand(ws: TestWorkspace, env: Record<string, string | undefined> = {}): string {
  const r = ws.nx(['show', 'projects'], env);
  if (r.status !== 0) throw new Error(`nx show projects failed (${r.status}):\n${(r.stdout + r.stderr).slice(-2000)}`);
  const nodes = projectGraph(ws).nodes;
  const command = nodes['native/warns/examples/Noisy/Noisy.ino']?.data.targets.compile?.options?.command;
  if (!command) throw new Error(`no native compile of Noisy.ino among ${Object.keys(nodes).length} projects`);
  return command;
}

describe('warnings: arduino-cli levels, counted in the report, the same from the cache', () => {
  let ws: TestWorkspace;
  let first: Record<string, number>;
  beforeAll(() => {
    ws = makeWorkspace({ libraries: ['Warns'], boards: BOARDS, pluginOptions: { warnings: 'all' } });
    const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static']);
    if (r.status !== 0) throw new Error(`nx run-many failed (${r.status}):\n${(r.stdout + r.stderr).slice(-4000)}`);
    first = warningsByExample(ws);
  }, 600_000);

  it('compiles with the level\'s flags: -Wall -Wextra for "all", the platform\'s -w by default', () => {
    expect(compileCommand(ws)).toMatch(/ -Wall -Wextra /);
    expect(compileCommand(ws)).not.toMatch(/ -w /);
    const none = compileCommand(ws, { NX_FASTLED_WARNINGS: 'none' });
    expect(none).toMatch(/ -w /);
    expect(none).not.toMatch(/-Wall/);
  });

  it("counts each example's warnings per board", () => {
    for (const board of BOARDS) {
      expect(first[`warns/Noisy ${board}`]).toBe(2);
      expect(first[`warns/Quiet ${board}`]).toBe(0);
    }
  });

  it('counts the same warnings when every task is a cache hit', () => {
    const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static']);
    expect(r.status).toBe(0);
    const statuses = ws.lastRun().tasks.map((t) => t.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => !/cache/.test(s))).toEqual([]);
    expect(warningsByExample(ws)).toEqual(first);
  });

  it('refuses an unknown level, naming the option and the levels', () => {
    const r = ws.nx(['show', 'projects'], { NX_FASTLED_WARNINGS: 'loud' });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('nx-fastled option "warnings": "loud" is not one of none, default, more, all');
  });
});
