// A pull request's size comparison (`nx-fastled-task sizes`, docs/REPORT.md) on fixture libraries with real
// git history and the real AVR compilers: main's CI builds and tests (avr8js) the base commit; a PR commit
// grows one example, shrinks another, breaks a third, changes one example's LED colour and another's serial
// text; the PR job builds and tests its head, then `sizes --base <base>` builds and tests the base again in a
// temporary worktree from the cache (no compiler and no simulator may run), compares sizes and outputs, checks
// the size budget and writes compile-sketches' report, the PR comment and the HTML report (with the changed
// examples' filmstrips base | head), both rendered in headless Chromium.
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { BuildReport, ReportEntry } from '../src/report';
import { BudgetError, checkBudget, parseBudget } from '../src/report/budget';
import { PR_COMMENT_MARKER } from '../src/report/render-pr-comment';
import { SizesComparison } from '../src/report/sizes';
import { FramesFile, parseFrames } from '../src/sim/frames-file';
import { CHROMIUM, dumpDom, screenshot, tableRows } from './report/chromium';
import { decodePng, pngStats } from './report/png';
import { makeWorkspace, nxEnv, REPO_ROOT, TestWorkspace } from './support/workspace';

const TASK_BIN = path.join(REPO_ROOT, 'node_modules/.bin/nx-fastled-task');
const REPO_URL = 'https://github.com/example/sizes';
const B = (n: number) => `${n.toLocaleString('en-US')} B`;

/** compile-sketches' `sketches-report` format, as its README and reportsketches code define it (field names and
 *  types; "N/A" where a value cannot be known). Returns every mismatch, empty when the report conforms. */
function sketchesReportProblems(r: unknown): string[] {
  const problems: string[] = [];
  const isMaybe = (v: unknown) => typeof v === 'number' || v === 'N/A';
  const need = (ok: boolean, where: string) => {
    if (!ok) problems.push(where);
  };
  const obj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!obj(r)) return ['report is not an object'];
  need(typeof r.commit_hash === 'string' && /^[0-9a-f]{40}$/.test(r.commit_hash), 'commit_hash: 40 hex digits');
  need(typeof r.commit_url === 'string' && r.commit_url === `${REPO_URL}/commit/${r.commit_hash}`, 'commit_url: <repo>/commit/<hash>');
  need(Array.isArray(r.boards) && r.boards.length === 1, 'boards: one board per report file');
  for (const [bi, b] of ((r.boards as unknown[]) ?? []).entries()) {
    if (!obj(b)) {
      problems.push(`boards[${bi}] is not an object`);
      continue;
    }
    need(typeof b.board === 'string', `boards[${bi}].board: string`);
    need(Array.isArray(b.sketches), `boards[${bi}].sketches: array`);
    for (const [si, s] of ((b.sketches as unknown[]) ?? []).entries()) {
      const at = `boards[${bi}].sketches[${si}]`;
      if (!obj(s)) {
        problems.push(`${at} is not an object`);
        continue;
      }
      need(typeof s.name === 'string', `${at}.name: string`);
      need(typeof s.compilation_success === 'boolean', `${at}.compilation_success: boolean`);
      need(Array.isArray(s.sizes) && (s.sizes as unknown[]).length === 2, `${at}.sizes: [flash, RAM]`);
      for (const [zi, z] of ((s.sizes as unknown[]) ?? []).entries()) {
        const zat = `${at}.sizes[${zi}]`;
        if (!obj(z)) {
          problems.push(`${zat} is not an object`);
          continue;
        }
        need(z.name === ['flash', 'RAM for global variables'][zi], `${zat}.name`);
        need(isMaybe(z.maximum), `${zat}.maximum: number | "N/A"`);
        for (const k of ['current', 'previous', 'delta']) {
          const v = z[k];
          need(obj(v) && isMaybe(v.absolute) && isMaybe(v.relative), `${zat}.${k}: { absolute, relative }`);
        }
      }
      const w = s.warnings;
      need(
        obj(w) && ['current', 'previous', 'delta'].every((k) => obj(w[k]) && isMaybe((w[k] as Record<string, unknown>).absolute)),
        `${at}.warnings: { current, previous, delta } absolute counts`,
      );
    }
    need(Array.isArray(b.sizes) && (b.sizes as unknown[]).length === 2, `boards[${bi}].sizes: summary per memory type`);
    for (const [zi, z] of ((b.sizes as unknown[]) ?? []).entries()) {
      const zat = `boards[${bi}].sizes[${zi}]`;
      need(obj(z) && z.name === ['flash', 'RAM for global variables'][zi] && isMaybe(z.maximum), `${zat}: name, maximum`);
      const d = obj(z) ? z.delta : undefined;
      need(
        obj(d) &&
          ['absolute', 'relative'].every(
            (k) => obj(d[k]) && isMaybe((d[k] as Record<string, unknown>).minimum) && isMaybe((d[k] as Record<string, unknown>).maximum),
          ),
        `${zat}.delta: { absolute, relative } { minimum, maximum }`,
      );
    }
    const bw = b.warnings;
    need(
      obj(bw) && obj(bw.delta) && obj(bw.delta.absolute) && isMaybe(bw.delta.absolute.minimum) && isMaybe(bw.delta.absolute.maximum),
      `boards[${bi}].warnings.delta.absolute: { minimum, maximum }`,
    );
  }
  return problems;
}

function git(ws: TestWorkspace, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=nx-fastled tests', '-c', 'user.email=tests@example.invalid', ...args], {
    cwd: ws.root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Rewrites one `#define NAME value` line of an example. */
function setDefine(ws: TestWorkspace, example: string, name: string, value: number | string, lib = 'Sizes'): void {
  const file = `libraries/${lib}/examples/${example}/${example}.ino`;
  const before = ws.read(file);
  const after = before.replace(new RegExp(`#define ${name} \\d+`), `#define ${name} ${value}`);
  if (after === before) throw new Error(`${file}: no #define ${name}`);
  ws.write(file, after);
}

describe('nx-fastled-task sizes: a pull request against its base, sizes from the cache', () => {
  let ws: TestWorkspace;
  let cacheDir: string;
  let baseSha: string;
  let headSha: string;
  /** main's CI: the base commit built cold; the oracle for the base's sizes. */
  let mainReport: BuildReport;
  let mainTasks: number;
  let mainTestTasks: number;
  /** main's frames of the examples whose output the PR changes (the head's run overwrites them). */
  let mainFrames: Record<'Colour' | 'Talk', FramesFile>;
  let headReport: BuildReport;
  let headOutput: string;
  let sizes: SpawnSyncReturns<string>;
  let cmp: SizesComparison;
  let stepSummary: string;
  const entry = (r: BuildReport, example: string, lib = 'sizes') =>
    r.entries.find((e) => e.example === `${lib}/${example}` && e.board === 'uno') as ReportEntry;

  beforeAll(() => {
    // Sizes: the size changes; SimDiff (on SimStrip's strip driver): the output changes. 300 ms simulated each.
    ws = makeWorkspace({ libraries: ['Sizes', 'SimStrip', 'SimDiff'], boards: ['uno'], pluginOptions: { test: { simulatedMs: 300 } } });
    fs.rmSync(path.join(ws.root, 'libraries/SimStrip/examples'), { recursive: true });
    cacheDir = path.join(path.dirname(ws.root), 'nx-cache');
    git(ws, 'init', '-q', '-b', 'main');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-qm', 'base');
    baseSha = git(ws, 'rev-parse', 'HEAD');

    // main's CI run: everything built, tested and cached.
    const main = ws.nx(['run-many', '--targets=build,test', '--outputStyle=static']);
    if (main.status !== 0) throw new Error(`main build failed:\n${main.stdout.slice(-4000)}\n${main.stderr.slice(-2000)}`);
    mainReport = JSON.parse(ws.read('dist/report/report.json'));
    mainTasks = ws.lastRun().tasks.length;
    mainTestTasks = ws.lastRun().tasks.filter((t) => t.target === 'test').length;
    const framesOf = (ex: string) => parseFrames(ws.read(`dist/uno/simdiff/examples/${ex}/${ex}.frames.json`));
    mainFrames = { Colour: framesOf('Colour'), Talk: framesOf('Talk') };

    // The pull request: Grow gets a bigger table and buffer, Shrink a smaller table, Breaks a syntax error;
    // Colour's red and blue swap, Talk greets with another word of the same length (its sizes stay).
    setDefine(ws, 'Colour', 'COLOUR_R', 10, 'SimDiff');
    setDefine(ws, 'Colour', 'COLOUR_B', 200, 'SimDiff');
    ws.write(
      'libraries/SimDiff/examples/Talk/Talk.ino',
      ws.read('libraries/SimDiff/examples/Talk/Talk.ino').replace('hello from the base', 'hello from the head'),
    );
    setDefine(ws, 'Grow', 'TABLE_BYTES', 320);
    setDefine(ws, 'Grow', 'BUFFER_BYTES', 48);
    setDefine(ws, 'Shrink', 'TABLE_BYTES', 128);
    ws.write(
      'libraries/Sizes/examples/Breaks/Breaks.ino',
      ws.read('libraries/Sizes/examples/Breaks/Breaks.ino').replace('void setup() {}', 'void setup() { int x = ; }'),
    );
    git(ws, 'commit', '-qam', 'grow Grow, shrink Shrink, break Breaks, recolour Colour, reword Talk');
    headSha = git(ws, 'rev-parse', 'HEAD');

    // The PR job: its head build and test (Breaks fails it), then the comparison.
    const head = ws.nx(['run-many', '--targets=build,test', '--outputStyle=static']);
    if (head.status === 0) throw new Error('the head build should fail (Breaks does not compile)');
    headOutput = head.stdout;
    headReport = JSON.parse(ws.read('dist/report/report.json'));

    ws.write(
      'size-budget.json',
      JSON.stringify(
        {
          boards: { uno: { flash: '90%', ram: '75%' } },
          examples: { 'sizes/Steady': { uno: { flash: 600 } } },
          ratchet: { flash: 100, ram: 64 },
        },
        null,
        2,
      ),
    );
    stepSummary = path.join(path.dirname(ws.root), 'step-summary.md');
    sizes = spawnSync(TASK_BIN, ['sizes', '--base', baseSha, '--repo-url', REPO_URL], {
      cwd: ws.root,
      encoding: 'utf8',
      env: nxEnv(cacheDir, { GITHUB_STEP_SUMMARY: stepSummary }),
      maxBuffer: 64 * 1024 * 1024,
    });
    if (!fs.existsSync(path.join(ws.root, 'dist/sizes/sizes.json')))
      throw new Error(`sizes wrote nothing (exit ${sizes.status}):\n${sizes.stdout}\n${sizes.stderr}`);
    cmp = JSON.parse(ws.read('dist/sizes/sizes.json'));
  }, 900_000);

  it('the base side is a build of the base commit from the cache: every task a hit, no compiler run', () => {
    expect(cmp.base).toMatchObject({ ref: baseSha, commit: baseSha, source: 'cache-build' });
    const run = cmp.base.run!;
    // The same task graph main's CI ran, all of it restored.
    expect(run.tasks).toBe(mainTasks);
    expect(run.hits).toBe(run.tasks);
    expect(run.ran).toBe(0);
    expect(run.compilerRuns).toBe(0);
    expect(cmp.head.commit).toBe(headSha);
    // The temporary worktree is gone again.
    expect(git(ws, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(sizes.stdout).toContain(`base from the cache: ${run.tasks} tasks, ${run.tasks} hits, 0 compiler runs, 0 simulator runs`);
    // The base ran the test target too (all hits): a test task per example that built there.
    expect(run.simulatorRuns).toBe(0);
    expect(mainTestTasks).toBe(6);
  });

  it('holds the right deltas: head minus base, per example', () => {
    const report = cmp.report;
    for (const ex of ['Grow', 'Shrink', 'Steady', 'Colour@simdiff', 'Talk@simdiff']) {
      const [name, lib] = ex.split('@');
      if (lib) {
        // Output changes, not size changes: the same code with other constants.
        expect(entry(report, name, lib).change).toMatchObject({ flash: 0, ram: 0 });
        continue;
      }
      const now = entry(headReport, ex).size!;
      const then = entry(mainReport, ex).size!;
      expect(entry(report, ex).change).toEqual({
        flash: now.flash - then.flash,
        ram: now.ram - then.ram,
        baseline: { flash: then.flash, ram: then.ram },
        regression: now.flash > then.flash || now.ram > then.ram,
      });
    }
    const grow = entry(report, 'Grow').change!;
    const shrink = entry(report, 'Shrink').change!;
    expect(grow.flash).toBeGreaterThanOrEqual(256); // 256 more table bytes in flash
    expect(grow.ram).toBe(32); // 32 more buffer bytes in RAM
    expect(shrink.flash).toBeLessThan(-100); // 128 fewer table bytes; the code indexing it changes by a few
    expect(shrink.ram).toBe(0);
    expect(entry(report, 'Steady').change).toMatchObject({ flash: 0, ram: 0 });
    const breaks = entry(report, 'Breaks');
    expect(breaks.size).toBeUndefined();
    expect(breaks.change).toBeUndefined();
    expect(breaks.compile.counts.failed).toBe(1);
    expect(report.skips).toEqual([
      {
        example: 'sizes/HostOnly',
        board: 'uno',
        reason: '.native.test.only in the example folder: built only for native',
        root: 'libraries/Sizes/examples/HostOnly',
      },
    ]);
  });

  it("writes compile-sketches' sketches-report format, which report-size-deltas reads", () => {
    const dir = path.join(ws.root, 'dist/sizes/sketches-reports');
    expect(fs.readdirSync(dir)).toEqual(['arduino-avr-uno.json']);
    const r = JSON.parse(fs.readFileSync(path.join(dir, 'arduino-avr-uno.json'), 'utf8'));
    expect(sketchesReportProblems(r)).toEqual([]);
    expect(r.commit_hash).toBe(headSha);
    const board = r.boards[0];
    expect(board.board).toBe('arduino:avr:uno');
    const sketch = (name: string) => board.sketches.find((s: { name: string }) => s.name === `libraries/Sizes/examples/${name}`);
    expect(board.sketches.map((s: { name: string }) => s.name).filter((n: string) => n.startsWith('libraries/Sizes/'))).toEqual(
      ['Breaks', 'Grow', 'Shrink', 'Steady'].map((n) => `libraries/Sizes/examples/${n}`),
    );
    const grow = entry(cmp.report, 'Grow');
    expect(sketch('Grow')).toEqual({
      name: 'libraries/Sizes/examples/Grow',
      compilation_success: true,
      sizes: [
        {
          name: 'flash',
          maximum: 32256,
          current: { absolute: grow.size!.flash, relative: Math.round((10000 * grow.size!.flash) / 32256) / 100 },
          previous: { absolute: grow.change!.baseline.flash, relative: Math.round((10000 * grow.change!.baseline.flash) / 32256) / 100 },
          delta: { absolute: grow.change!.flash, relative: Math.round((10000 * grow.change!.flash) / 32256) / 100 },
        },
        {
          name: 'RAM for global variables',
          maximum: 2048,
          current: { absolute: grow.size!.ram, relative: Math.round((10000 * grow.size!.ram) / 2048) / 100 },
          previous: { absolute: grow.change!.baseline.ram, relative: Math.round((10000 * grow.change!.baseline.ram) / 2048) / 100 },
          delta: { absolute: 32, relative: Math.round((10000 * 32) / 2048) / 100 },
        },
      ],
      warnings: { current: { absolute: 0 }, previous: { absolute: 0 }, delta: { absolute: 0 } },
    });
    // The broken example: compilation_success false, "N/A" where compile-sketches has nothing to measure.
    expect(sketch('Breaks')).toMatchObject({
      compilation_success: false,
      sizes: [
        { current: { absolute: 'N/A', relative: 'N/A' }, delta: { absolute: 'N/A', relative: 'N/A' } },
        { current: { absolute: 'N/A' } },
      ],
      warnings: { current: { absolute: 'N/A' }, delta: { absolute: 'N/A' } },
    });
    expect(sketch('Breaks').sizes[0].previous.absolute).toBe(entry(mainReport, 'Breaks').size!.flash);
    // The board's summary: min and max of the deltas, as report-size-deltas prints them.
    const shrink = entry(cmp.report, 'Shrink').change!;
    expect(board.sizes[0]).toMatchObject({
      name: 'flash',
      maximum: 32256,
      delta: { absolute: { minimum: shrink.flash, maximum: grow.change!.flash } },
    });
    expect(board.sizes[1]).toMatchObject({
      name: 'RAM for global variables',
      maximum: 2048,
      delta: { absolute: { minimum: 0, maximum: 32 } },
    });
    expect(board.warnings).toEqual({ delta: { absolute: { minimum: 0, maximum: 0 } } });
  });

  it('fails the size budget with messages naming example, board, size and budget', () => {
    const grow = entry(cmp.report, 'Grow');
    const steady = entry(cmp.report, 'Steady').size!;
    const messages = [
      `sizes/Grow on uno: flash grew by ${B(grow.change!.flash)} (${B(grow.change!.baseline.flash)} → ${B(grow.size!.flash)}), more than the ratchet allows (100 B) (size-budget.json: ratchet.flash)`,
      `sizes/Steady on uno: flash ${B(steady.flash)} is over its budget of 600 B by ${B(steady.flash - 600)} (size-budget.json: examples["sizes/Steady"].uno.flash)`,
    ];
    expect(sizes.status).toBe(1);
    expect(cmp.budget!.violations.map((v) => v.message)).toEqual(messages);
    for (const m of messages) expect(sizes.stderr).toContain(`over budget: ${m}`);
    expect(cmp.budget!.violations[0]).toMatchObject({
      example: 'sizes/Grow',
      board: 'uno',
      measure: 'flash',
      kind: 'ratchet',
      size: grow.size!.flash,
      budget: 100,
    });

    // The same comparison from main's kept report (no build) and a budget it meets: exit 0.
    fs.writeFileSync(path.join(path.dirname(ws.root), 'main-report.json'), JSON.stringify(mainReport));
    ws.write('lenient-budget.json', JSON.stringify({ boards: { uno: { flash: '90%' } }, ratchet: 1000 }));
    const ok = spawnSync(
      TASK_BIN,
      [
        'sizes',
        '--base',
        baseSha,
        '--base-report',
        '../main-report.json',
        '--budget',
        'lenient-budget.json',
        '--out',
        'dist/sizes-lenient',
      ],
      {
        cwd: ws.root,
        encoding: 'utf8',
        env: nxEnv(cacheDir),
      },
    );
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const lenient: SizesComparison = JSON.parse(ws.read('dist/sizes-lenient/sizes.json'));
    expect(lenient.base).toMatchObject({ source: 'report', reportFile: '../main-report.json', commit: baseSha });
    expect(lenient.budget).toEqual({ file: 'lenient-budget.json', violations: [] });
    expect(lenient.report.entries.map((e) => e.change)).toEqual(cmp.report.entries.map((e) => e.change));
  });

  it('writes one PR comment: board summary, per example sizes and deltas, failures and skips with why', () => {
    const md = ws.read('dist/sizes/pr-comment.md');
    expect(md.split('\n')[0]).toBe(PR_COMMENT_MARKER);
    const grow = entry(cmp.report, 'Grow');
    const shrink = entry(cmp.report, 'Shrink');
    const pctOf = (d: number, limit: number) => `${d > 0 ? '+' : '-'}${Math.abs((100 * d) / limit).toFixed(2)}%`;
    expect(md).toContain(`| uno | -${B(-shrink.change!.flash)} … +${B(grow.change!.flash)} | 0 B … +32 B | 6 | 2 | 1 | 1 | 0 |`);
    const link = (ex: string) => `[sizes/${ex}](${REPO_URL}/tree/${headSha}/libraries/Sizes/examples/${ex})`;
    expect(md).toContain(
      `| ${link('Grow')} | uno | ${B(grow.size!.flash)} | ${grow.size!.flashPct!.toFixed(1)}% | ▲ +${B(grow.change!.flash)} (${pctOf(grow.change!.flash, 32256)}) | ${B(grow.size!.ram)} | ${grow.size!.ramPct!.toFixed(1)}% | ▲ +32 B (+1.56%) | 0 |`,
    );
    expect(md).toContain(
      `| ${link('Shrink')} | uno | ${B(shrink.size!.flash)} | ${shrink.size!.flashPct!.toFixed(1)}% | ▼ -${B(-shrink.change!.flash)} (${pctOf(shrink.change!.flash, 32256)}) |`,
    );
    expect(md).toContain(`| ${link('Breaks')} | uno | **failed** |`);
    expect(md).toMatch(/<summary>Unchanged \(3\)<\/summary>[\s\S]*sizes\/Steady/);
    expect(md).toMatch(
      new RegExp(
        `- \\[sizes/Breaks\\]\\([^)]*\\) on uno: compile failed: \`libraries/Sizes/examples/Breaks/Breaks.ino:\\d+:\\d+: error: expected primary-expression`,
      ),
    );
    expect(md).toContain('- `sizes/HostOnly` on uno: .native.test.only in the example folder: built only for native');
    expect(md).toContain('**Size budget: 2 violations** (`size-budget.json`):');
    expect(md).toContain(
      `built from the cache: ${cmp.base.run!.tasks} tasks, ${cmp.base.run!.tasks} cache hits, 0 compiler runs, 0 simulator runs`,
    );
    // The job's summary page gets the comment too.
    expect(fs.readFileSync(stepSummary, 'utf8')).toBe(`${md}\n`);
  });

  it('marks the examples whose LED frames or serial output changed against the base, and says how', () => {
    const o = cmp.outputs!;
    expect(o.testTarget).toBe('test');
    // Every example tested on both sides is compared; Breaks did not build on the head (its frames file from
    // main's run is still on disk, and must not count).
    expect(o.compared).toBe(5);
    expect(o.unchanged).toBe(3); // Grow and Shrink changed size, not output; Steady nothing
    expect(o.notCompared).toEqual([{ example: 'sizes/Breaks', board: 'uno', why: 'no frames on the head (it did not build)' }]);
    expect(o.changed.map((c) => c.example)).toEqual(['simdiff/Colour', 'simdiff/Talk']);
    const [colour, talk] = o.changed;

    // Colour: the same frames with red and blue swapped, from the first frame (LED 0 lit from frame 0).
    const base = mainFrames.Colour.strips[0].frames;
    const head = parseFrames(ws.read('dist/uno/simdiff/examples/Colour/Colour.frames.json')).strips[0].frames;
    expect(base.length).toBeGreaterThan(8);
    const swap = (hex: string) => hex.replace(/(..)(..)(..)/g, '$3$2$1');
    expect(head.map((f) => f[1])).toEqual(base.map((f) => swap(f[1])));
    expect(colour.diff).toEqual({
      frames: {
        base: base.length,
        head: base.length,
        kind: 'pictures',
        first: { strip: 0, frame: 0, led: 0, base: 'c8280a', head: '0a28c8' },
        shape: [],
      },
    });
    expect(colour.text).toBe(`LED frames: ${base.length} frames, first difference at frame 0, LED 0 (c8280a → 0a28c8)`);

    // Talk: the same LED, one serial line changed (the first), the ticks alike.
    const lines = mainFrames.Talk.serial.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Talk: hello from the base');
    expect(talk.diff).toEqual({
      serial: {
        baseLines: lines.length,
        headLines: lines.length,
        changed: 1,
        first: { line: 1, base: 'Talk: hello from the base', head: 'Talk: hello from the head' },
      },
    });
    expect(talk.text).toBe(
      `serial: 1 of ${lines.length} lines changed, first line 1: "Talk: hello from the base" → "Talk: hello from the head"`,
    );

    // The PR comment: which examples changed and how (a comment cannot embed the artifact's filmstrips).
    const md = ws.read('dist/sizes/pr-comment.md');
    const link = (ex: string) => `[simdiff/${ex}](${REPO_URL}/tree/${headSha}/libraries/SimDiff/examples/${ex})`;
    expect(md).toContain('### LED and serial output: 2 of 5 changed');
    expect(md).toContain(`| ${link('Colour')} | uno | ${colour.text} |`);
    expect(md).toContain(`| ${link('Talk')} | uno | ${talk.text} |`);
    expect(md).toContain('- `sizes/Breaks` on uno: no frames on the head (it did not build)');
    expect(sizes.stdout).toContain(
      'nx-fastled sizes: LED and serial output: 5 compared, 2 changed (simdiff/Colour on uno, simdiff/Talk on uno), 1 not compared',
    );
  });

  it("the head's report.md lists the compile-failed example as failed; the run ends with the report's path", () => {
    expect(headOutput).toContain('nx-fastled: build report: dist/report/report.html\n');
    const md = ws.read('dist/report/report.md');
    expect(md).toMatch(/\| sizes\/Breaks \| failed \| failed \| uno: failed \(1 compile failed\) \|/);
    expect(md).toContain('- `sizes/HostOnly` on uno: .native.test.only in the example folder: built only for native');
  });

  (CHROMIUM ? it : it.skip)(
    'the PR comment and the HTML report render in headless Chromium',
    () => {
      const shots = fs.mkdtempSync(path.join(path.dirname(ws.root), 'shots-'));
      // The comment as GitHub would show it (markdown-it: CommonMark with GFM tables, inline HTML allowed).
      // Folded sections opened, so the screenshot shows them.
      const body = new MarkdownIt({ html: true, linkify: false })
        .render(ws.read('dist/sizes/pr-comment.md'))
        .replace(/<details>/g, '<details open>');
      const page = path.join(shots, 'pr-comment.html');
      fs.writeFileSync(
        page,
        `<!doctype html><meta charset="utf-8"><style>body{font:14px/1.5 system-ui,sans-serif;margin:24px;max-width:1000px;color:#1f2328}` +
          `table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px}th{background:#f6f8fa}code{background:#eff1f3;padding:1px 4px;border-radius:4px}</style>` +
          `<body>${body}</body>`,
      );
      const dom = dumpDom(page);
      // Tables survived the Markdown: the board summary and the examples, with the deltas in their cells.
      const cells = [...dom.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
      const grow = entry(cmp.report, 'Grow');
      expect(cells).toContain(`▲ +${B(grow.change!.flash)} (+${((100 * grow.change!.flash) / 32256).toFixed(2)}%)`);
      expect(cells).toContain('uno');
      expect(dom).not.toContain('| uno |'); // a table that did not render stays as pipes
      const commentPng = path.join(shots, 'pr-comment.png');
      screenshot(page, commentPng, '', '1100,1000');
      const comment = pngStats(decodePng(fs.readFileSync(commentPng)), {}, 10);
      expect(comment.distinctColours).toBeGreaterThan(20);
      expect(comment.nonBackground).toBeGreaterThan(0.03);

      // The HTML report of the comparison: one row per example (the skipped one too), the deltas per board.
      const report = path.join(ws.root, 'dist/sizes/report.html');
      const rows = tableRows(dumpDom(report));
      // Sorted by its script: uno's flash, descending; the examples without sizes after them.
      const bySize = ['Grow', 'Shrink', 'Steady'].map((x) => entry(cmp.report, x)).sort((a, b) => b.size!.flash - a.size!.flash);
      expect(rows.map((r) => r['data-example']).filter((x) => x.startsWith('sizes/'))).toEqual([
        ...bySize.map((x) => x.example),
        'sizes/Breaks',
        'sizes/HostOnly',
      ]);
      expect(rows.find((r) => r['data-example'] === 'sizes/Grow')!['data-dflash-uno']).toBe(String(grow.change!.flash));
      const reportPng = path.join(shots, 'report.png');
      screenshot(report, reportPng, '', '1280,1000');
      const stats = pngStats(
        decodePng(fs.readFileSync(reportPng)),
        { regression: [0xc6, 0x28, 0x28], smaller: [0x2e, 0x7d, 0x32], flash: [0x2f, 0x6f, 0xdd] },
        10,
      );
      expect(stats.matches.regression).toBeGreaterThan(20);
      expect(stats.matches.smaller).toBeGreaterThan(5);
      expect(stats.matches.flash).toBeGreaterThan(200);

      // The changed examples side by side, base | head: Colour's filmstrips in (200, 40, 10) and (10, 40, 200),
      // Talk's in green, the changed serial line marked on both sides.
      const reportDom = dumpDom(report);
      const pairs = [...reportDom.matchAll(/<section class="pair" data-example="([^"]+)" data-board="([^"]+)"/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      );
      expect(pairs).toEqual(['simdiff/Colour uno', 'simdiff/Talk uno']);
      const talkPair = reportDom.slice(reportDom.indexOf('data-example="simdiff/Talk"'));
      expect(talkPair).toMatch(/data-side="base"[\s\S]*<li class="diff">Talk: hello from the base<\/li><li>tick<\/li>/);
      expect(talkPair).toMatch(/data-side="head"[\s\S]*<li class="diff">Talk: hello from the head<\/li><li>tick<\/li>/);
      const pairsPng = path.join(shots, 'output-changes.png');
      // The whole page, tall enough for the section (an #anchor in the URL gave a blank screenshot).
      screenshot(report, pairsPng, '', '1100,2400');
      const films = pngStats(
        decodePng(fs.readFileSync(pairsPng)),
        { baseColour: [200, 40, 10], headColour: [10, 40, 200], green: [0, 60, 0] },
        8,
      );
      expect(films.matches.baseColour).toBeGreaterThan(400);
      expect(films.matches.headColour).toBeGreaterThan(400);
      expect(films.matches.green).toBeGreaterThan(400);
      console.info(`sizes.spec: screenshots: ${commentPng} ${reportPng} ${pairsPng}`);
    },
    900_000,
  );
});

describe('size budget, domain', () => {
  const e = (example: string, flash: number, ram: number, change?: { flash: number; ram: number }): ReportEntry => ({
    example,
    library: 'lib',
    board: 'uno',
    link: { task: `uno/${example}:link`, outcome: 'run', status: 'success' },
    compile: { tasks: [], counts: { run: 1, 'local-hit': 0, 'remote-hit': 0, failed: 0, skipped: 0 }, seconds: 1 },
    size: { flash, ram, flashLimit: 32256, ramLimit: 2048, file: 'x', sections: {} },
    warnings: 0,
    ...(change
      ? {
          change: {
            ...change,
            baseline: { flash: flash - change.flash, ram: ram - change.ram },
            regression: change.flash > 0 || change.ram > 0,
          },
        }
      : {}),
  });

  it('the most specific rule wins; percentages are of the board limit; the ratchet needs a base', () => {
    const budget = parseBudget(
      {
        boards: { uno: { flash: '50%', ratchet: 10 } },
        examples: { 'lib/Big': { '*': { flash: 20000 } }, 'lib/Free': { uno: { ratchet: { flash: 5000 } } } },
        ratchet: 0,
      },
      'b.json',
    );
    const v = checkBudget(budget, [
      e('lib/Big', 17000, 100),
      e('lib/Small', 16200, 100),
      e('lib/Grew', 1000, 100, { flash: 11, ram: 10 }),
      e('lib/Free', 1000, 100, { flash: 4000, ram: 0 }),
      e('lib/New', 100, 100),
    ]);
    expect(v.map((x) => x.message)).toEqual([
      'lib/Small on uno: flash 16,200 B is over its budget of 16,128 B (50% of 32,256 B) by 72 B (b.json: boards.uno.flash)',
      'lib/Grew on uno: flash grew by 11 B (989 B → 1,000 B), more than the ratchet allows (10 B) (b.json: boards.uno.ratchet)',
    ]);
  });

  it('bad budget files are errors naming the file and the setting', () => {
    expect(() => parseBudget({ boards: { uno: { flash: '90 percent' } } }, 'size-budget.json')).toThrow(
      new BudgetError('size-budget.json: boards.uno.flash is "90 percent"; expected a number of bytes >= 0 or a percentage such as "90%"'),
    );
    expect(() => parseBudget({ ratchet: -1 }, 'size-budget.json')).toThrow(/size-budget\.json: ratchet is -1; expected whole bytes >= 0/);
    expect(() => parseBudget({ board: {} }, 'size-budget.json')).toThrow(/size-budget\.json: "board" is not a budget section/);
    expect(() => parseBudget({ examples: { 'lib/A': { uno: { flsh: 1 } } } }, 'size-budget.json')).toThrow(
      /examples\["lib\/A"\]\.uno\.flsh is not a budget setting/,
    );
  });
});
