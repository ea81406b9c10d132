// The build report (docs/REPORT.md) written after every run: report.json, report.md, report.html under
// dist/report/. Real compilers on the fixture workspace (libraries/LedStrip on native, and uno when the AVR
// toolchain is there): every admitted example × board with the sizes of its size.json, a warm run as cache
// hits, a baseline with smaller sizes flagged as regressions, a failed compile with why, and the HTML page
// rendered by headless Chromium (table sorted by its script, SVG bars, a non-blank screenshot).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BuildReport,
  collect,
  compare,
  parseThreshold,
  renderHtml,
  renderMarkdown,
  ReportEntry,
  RunInfo,
  writeReport,
  zeroCounts,
} from '../src/report';
import { CHROMIUM, dumpDom, screenshot, tableRows } from './report/chromium';
import { decodePng, pngStats } from './report/png';
import { HAS_AVR, makeWorkspace, NX_PLUGIN_ISOLATION, REPO_ROOT, TestWorkspace } from './support/workspace';

const LEDSTRIP = path.join(REPO_ROOT, 'libraries/LedStrip');
const BOARDS = HAS_AVR ? ['native', 'uno'] : ['native'];
if (!HAS_AVR) console.warn('report.spec: avr-g++ or the Arduino AVR core is missing; only native (which measures no sizes) is built');
if (!CHROMIUM) console.warn('report.spec: chromium is missing (apt-get install chromium); the report page rendering test is skipped');

/** The environment of the runs: nothing of the caller's report settings leaks in. */
const CLEAN = { GITHUB_STEP_SUMMARY: undefined, NX_FASTLED_REPORT_BASELINE: undefined, NX_FASTLED_REPORT_THRESHOLD: undefined };

function build(ws: TestWorkspace, env: Record<string, string | undefined> = {}, args = ['run-many', '-t', 'build']) {
  const r = ws.nx([...args, '--outputStyle=static'], { ...CLEAN, ...env });
  return r;
}

function readReport(ws: TestWorkspace): BuildReport {
  return JSON.parse(ws.read('dist/report/report.json'));
}

const key = (e: { board: string; example: string }) => `${e.board} ${e.example}`;

describe('build report on a real build', () => {
  let ws: TestWorkspace;
  let stepSummary: string;
  let first: BuildReport;
  let regressed: ReportEntry | undefined;
  let withinThreshold: ReportEntry | undefined;
  let shrunk: ReportEntry | undefined;
  let pageCopy: string;

  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP], boards: BOARDS });
    stepSummary = path.join(path.dirname(ws.root), 'step-summary.md');
    fs.writeFileSync(stepSummary, '# earlier step\n');
    const r = build(ws, { GITHUB_STEP_SUMMARY: stepSummary });
    if (r.status !== 0) throw new Error(`cold build failed:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    first = readReport(ws);
  }, 300_000);

  it('lists every admitted example × board, with the sizes of its size.json and the status of its tasks', () => {
    const shown = ws.nx(['show', 'projects', '--withTarget', 'link', '--json'], CLEAN);
    expect(shown.status).toBe(0);
    // Link projects are `<board>/<lib>/examples/<example path>`.
    const admitted = (JSON.parse(shown.stdout) as string[]).map((p) => {
      const [board, lib, , ...rest] = p.split('/');
      return `${board} ${lib}/${rest.join('/')}`;
    });
    expect(admitted.length).toBeGreaterThan(5);
    expect(first.entries.map(key).sort()).toEqual(admitted.sort());
    expect(new Set(first.boards.map((b) => b.board))).toEqual(new Set(BOARDS));

    const run = ws.lastRun();
    for (const e of first.entries) {
      expect(e.link.outcome).toBe('run');
      expect(e.link.seconds).toBeGreaterThan(0);
      expect(e.compile.tasks.length).toBeGreaterThanOrEqual(1);
      expect(e.compile.counts.run).toBe(e.compile.tasks.length);
      for (const id of e.compile.tasks) expect(id.startsWith(`${e.board}/${e.example.split('/')[0]}/examples/`)).toBe(true);
      const onDisk = `dist/${e.board}/${e.example.replace('/', '/examples/')}/${e.example.split('/').pop()}.size.json`;
      const size = JSON.parse(ws.read(onDisk));
      if (e.board === 'uno') {
        // uno measures: every entry has its size.json's numbers, and the percentages of the limits.
        expect(e.size).toBeDefined();
        expect(e.size!.file).toBe(onDisk);
        expect({
          flash: e.size!.flash,
          ram: e.size!.ram,
          flashLimit: e.size!.flashLimit,
          ramLimit: e.size!.ramLimit,
          sections: e.size!.sections,
        }).toEqual({
          flash: size.flash,
          ram: size.ram,
          flashLimit: size.flashLimit,
          ramLimit: size.ramLimit,
          sections: size.sections,
        });
        expect(e.size!.flashPct).toBeCloseTo((100 * size.flash) / size.flashLimit, 1);
        expect(e.size!.ramPct).toBeCloseTo((100 * size.ram) / size.ramLimit, 1);
      } else if (e.size) {
        expect(e.size.flash).toBe(size.flash);
        expect(e.size.ram).toBe(size.ram);
      }
    }
    // The summary counts what run.json records.
    expect(first.summary.tasks).toBe(run.tasks.length);
    expect(first.summary.counts.run).toBe(run.tasks.filter((t) => t.status === 'success').length);
    expect(first.summary.counts['local-hit'] + first.summary.counts['remote-hit'] + first.summary.counts.failed).toBe(0);
    expect(first.summary.compileSeconds).toBeGreaterThan(0);
    expect(first.summary.wallSeconds).toBeGreaterThan(0);
    expect(first.failures).toEqual([]);
    expect(first.comparison).toBeUndefined();

    const md = ws.read('dist/report/report.md');
    expect(md).toContain('## nx-fastled build report');
    for (const e of first.entries) expect(md).toContain(`| ${e.example} |`);
    if (HAS_AVR) {
      const blink = first.entries.find((e) => e.board === 'uno' && e.example === 'ledstrip/Blink')!;
      expect(md).toContain(`${blink.size!.flash.toLocaleString('en-US')} B (${blink.size!.flashPct!.toFixed(1)}%)`);
    }
    // Appended to the step summary, after what was there.
    expect(fs.readFileSync(stepSummary, 'utf8')).toBe(`# earlier step\n${md}\n`);
    const html = ws.read('dist/report/report.html');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('a second run reports every task as a cache hit, compared with the previous report', () => {
    const r = build(ws);
    expect(r.status).toBe(0);
    const second = readReport(ws);
    expect(second.entries.map(key)).toEqual(first.entries.map(key));
    for (const e of second.entries) {
      expect(e.link.outcome).toBe('local-hit');
      expect(e.compile.counts['local-hit']).toBe(e.compile.tasks.length);
      // The sizes come from the outputs Nx restored.
      expect(e.size).toEqual(first.entries.find((f) => key(f) === key(e))!.size);
    }
    expect(second.summary.counts.run).toBe(0);
    expect(second.summary.counts['local-hit']).toBe(second.summary.tasks);
    expect(second.summary.compileSeconds).toBe(0);
    expect(ws.read('dist/report/report.md')).toMatch(/0 run, \d+ local hits/);
    // report.json of the cold run became report.previous.json, the automatic baseline.
    expect(JSON.parse(ws.read('dist/report/report.previous.json')).generatedAt).toBe(first.generatedAt);
    expect(second.comparison).toMatchObject({
      source: 'dist/report/report.previous.json',
      regressions: 0,
      improvements: 0,
      added: 0,
      removed: [],
    });
    expect(second.comparison!.unchanged).toBe(first.entries.filter((e) => e.size).length);
  }, 120_000);

  /** The third run, shared by the next tests: against a baseline with smaller sizes, and with an example
   *  that does not compile (the rest are cache hits). */
  let third: { status: number | null; baselineFile: string } | undefined;
  function thirdRun() {
    if (third) return third;
    const baseline: BuildReport = JSON.parse(JSON.stringify(first));
    const measured = baseline.entries.filter((e) => e.size);
    if (measured.length >= 3) {
      [regressed, withinThreshold, shrunk] = measured;
      // Threshold 50 B: +100 B flash is a regression; +20 B is growth within it; -30 B is smaller.
      regressed.size!.flash -= 100;
      regressed.size!.ram -= 8;
      withinThreshold.size!.flash -= 20;
      shrunk.size!.flash += 30;
    }
    const baselineFile = path.join(path.dirname(ws.root), 'baseline-report.json');
    fs.writeFileSync(baselineFile, JSON.stringify(baseline));
    ws.write('libraries/LedStrip/examples/Broken/Broken.ino', 'void setup() {\n  int x = ;\n}\nvoid loop() {}\n');
    // Nx's default plugin isolation here: failed tasks' output reaches postTasksExecution through its worker.
    const r = build(ws, { ...NX_PLUGIN_ISOLATION, NX_FASTLED_REPORT_BASELINE: baselineFile, NX_FASTLED_REPORT_THRESHOLD: '50' });
    third = { status: r.status, baselineFile };
    pageCopy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-report-page-')), 'report.html');
    fs.copyFileSync(path.join(ws.root, 'dist/report/report.html'), pageCopy);
    return third;
  }

  (HAS_AVR ? it : it.skip)(
    'a baseline with smaller sizes flags regressions in report.json, report.md and report.html',
    () => {
      const { baselineFile: file } = thirdRun();
      if (!regressed || !withinThreshold || !shrunk) throw new Error('the cold build measured fewer than 3 entries');
      const report = readReport(ws);
      const get = (e: ReportEntry) => report.entries.find((x) => key(x) === key(e))!;
      expect(get(regressed).change).toEqual({
        flash: 100,
        ram: 8,
        baseline: { flash: regressed.size!.flash, ram: regressed.size!.ram },
        regression: true,
      });
      expect(get(withinThreshold).change).toMatchObject({ flash: 20, ram: 0, regression: false });
      expect(get(shrunk).change).toMatchObject({ flash: -30, ram: 0, regression: false });
      expect(report.entries.filter((e) => e.change?.regression).map(key)).toEqual([key(regressed)]);
      expect(report.comparison).toMatchObject({ source: file, thresholdBytes: 50, regressions: 1, improvements: 1, removed: [] });
      expect(report.summary.regressions).toBe(1);

      const md = ws.read('dist/report/report.md');
      expect(md).toContain('**▲ +100 B**');
      expect(md).toContain('+20 B');
      expect(md).not.toContain('▲ +20 B');
      expect(md).not.toContain('▲ +8 B'); // RAM grew by 8 B: within the threshold
      expect(md).toContain('▼ -30 B');
      expect(md).toContain(`### Size regressions (1)`);
      expect(md).toContain(`- \`${regressed.example}\` on ${regressed.board}: flash ▲ +100 B`);
      expect(md).toMatch(/1 size regression \(threshold 50 B\)/);

      const html = ws.read('dist/report/report.html');
      expect(html).toContain('▲ +100 B');
      // One row per example; the regressed example's row is marked.
      expect(html.match(/<tr class="regression[^"]*"/g)).toHaveLength(1);
      expect(html).toMatch(new RegExp(`<tr class="regression[^"]*" data-example="${regressed.example}"`));
    },
    120_000,
  );

  it('a failed compile is in the report with the first lines of why; run.json keeps the tail of its output', () => {
    expect(thirdRun().status).not.toBe(0);
    const report = readReport(ws);
    const ids = BOARDS.map((b) => `${b}/ledstrip/examples/Broken/Broken.ino:compile`);
    expect(report.failures.map((f) => f.id)).toEqual(ids);
    for (const f of report.failures) {
      expect(f.reason?.length).toBeGreaterThan(0);
      expect(f.reason![0]).toMatch(/Broken\.ino: In function .void setup\(\)./);
      expect(f.reason![1]).toMatch(/Broken\.ino:2:\d+: error: expected primary-expression/);
    }
    for (const b of BOARDS) {
      const e = report.entries.find((x) => x.board === b && x.example === 'ledstrip/Broken')!;
      expect(e.link.outcome).toBe('skipped');
      expect(e.size).toBeUndefined();
      expect(e.compile.counts.failed).toBe(1);
    }
    expect(report.summary.counts.failed).toBe(BOARDS.length);
    const md = ws.read('dist/report/report.md');
    expect(md).toContain(`### Failed tasks (${BOARDS.length})`);
    expect(md).toContain(`- \`${ids[0]}\``);
    expect(md).toMatch(/error: expected primary-expression/);
    // A compile that failed fails its example: "failed", never "skipped" (Nx's word for the link it did not start).
    expect(md).toMatch(/\| ledstrip\/Broken \|.*failed \(1 compile failed\)/);
    expect(md).not.toMatch(/\| ledstrip\/Broken \|.*skipped/);
    expect(ws.read('dist/report/report.html')).toMatch(/<pre>[^<]*error: expected primary-expression/);
    const failed = (ws.lastRun().tasks as { status: string; terminalOutput?: string }[]).filter((t) => t.status === 'failure');
    expect(failed).toHaveLength(BOARDS.length);
    for (const t of failed) {
      expect(t.terminalOutput).toMatch(/error/);
      expect(t.terminalOutput!.split('\n').length).toBeLessThanOrEqual(20);
    }
    // Only succeeded tasks lack it.
    expect(
      ws
        .lastRun()
        .tasks.filter((t) => t.status !== 'failure')
        .some((t) => 'terminalOutput' in t),
    ).toBe(false);
  }, 120_000);

  (CHROMIUM ? it : it.skip)(
    'report.html renders in headless Chromium: one row per example, a column group per board, sorted by its script',
    () => {
      thirdRun();
      const page = pageCopy;
      const report = readReport(ws);
      const sortBoard = HAS_AVR ? 'uno' : 'native';
      const dom = dumpDom(page, `?sort=flash-${sortBoard}`);
      // The script ran: it marks the table and the header it sorted by.
      expect(dom).toMatch(new RegExp(`<table id="sizes"[^>]*data-sort="flash-${sortBoard}"[^>]*data-dir="desc"`));
      expect(dom).toMatch(new RegExp(`<th data-key="flash-${sortBoard}"[^>]*aria-sort="descending"`));
      const rows = tableRows(dom);
      // One row per example of the run (built on some board, or skipped on every board with a reason).
      const examples = new Set([...report.entries.map((e) => e.example), ...(report.skips ?? []).map((s) => s.example)]);
      expect(rows.map((r) => r['data-example']).sort()).toEqual([...examples].sort());
      const flash = rows.map((r) => (r[`data-flash-${sortBoard}`] === '' ? undefined : Number(r[`data-flash-${sortBoard}`])));
      const measured = flash.filter((f): f is number => f !== undefined);
      // Measured rows first, by flash descending; unmeasured ones after them.
      expect(measured).toEqual([...measured].sort((a, b) => b - a));
      expect(flash.slice(0, measured.length).every((f) => f !== undefined)).toBe(true);
      expect(measured).toEqual(
        report.entries
          .filter((e) => e.size && e.board === sortBoard)
          .map((e) => e.size!.flash)
          .sort((a, b) => b - a),
      );
      // The served order was by example: the script did the sorting.
      const served = tableRows(fs.readFileSync(page, 'utf8')).map((r) => r['data-example']);
      expect(served).toEqual([...served].sort());
      // Every example links to its folder, relative to the page (dist/report/report.html).
      for (const e of report.entries) {
        expect(e.root).toBe(`libraries/LedStrip/examples/${e.example.slice('ledstrip/'.length)}`);
        expect(dom).toContain(`<a href="../../${encodeURI(e.root!)}/"`);
      }
      // The failed example says so in its board cells.
      expect(dom).toMatch(/data-example="ledstrip\/Broken"[^>]*>.*?<span class="badge failed">compile failed<\/span>/);

      const bars = [...dom.matchAll(/<rect class="bar (flash|ram)"[^>]*width="([\d.]+)"/g)];
      const measuredEntries = report.entries.filter((e) => e.size).length;
      expect(bars).toHaveLength(2 * measuredEntries);
      if (HAS_AVR) expect(measured.length).toBeGreaterThan(0);
      for (const [, , width] of bars) expect(Number(width)).toBeGreaterThan(0);

      // Another sort from the URL: by example, ascending.
      const byName = tableRows(dumpDom(page, '?sort=example&dir=asc')).map((r) => r['data-example']);
      expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b)));

      const png = path.join(path.dirname(page), 'report.png');
      screenshot(page, png, `?sort=flash-${sortBoard}`);
      const image = decodePng(fs.readFileSync(png));
      expect([image.width, image.height]).toEqual([1280, 1600]);
      const stats = pngStats(image, { flash: [0x2f, 0x6f, 0xdd], ram: [0xe0, 0x86, 0x1e], regression: [0xc6, 0x28, 0x28] }, 10);
      expect(stats.distinctColours).toBeGreaterThan(50);
      expect(stats.nonBackground).toBeGreaterThan(0.03);
      if (measured.length) {
        // The chart's bars are on the page in their colours, and the regression marker in red.
        expect(stats.matches.flash).toBeGreaterThan(500);
        expect(stats.matches.ram).toBeGreaterThan(500);
        expect(stats.matches.regression).toBeGreaterThan(20);
      }
      console.info(`report.spec: screenshot of the report page: ${png}`);
    },
    120_000,
  );
});

describe('build report, domain (no compilers)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-report-unit-'));
  const size = (rel: string, s: object) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), JSON.stringify(s));
  };
  size('dist/uno/lib/examples/A|b <i>/A|b <i>.size.json', {
    board: 'uno',
    flash: 1000,
    ram: 100,
    flashLimit: 32256,
    ramLimit: 2048,
    sections: { '.text': 990 },
  });
  size('dist/uno/lib/examples/Nested/C/C.size.json', {
    board: 'uno',
    flash: 3000,
    ram: 300,
    flashLimit: 32256,
    ramLimit: 2048,
    sections: {},
  });
  size('dist/native/lib/examples/Nested/C/C.size.json', { board: 'native', flash: 0, ram: 0, sections: {} });
  // A stale size file of a link that failed in this run: not reported.
  size('dist/uno/lib/examples/Gone/Gone.size.json', { board: 'uno', flash: 9, ram: 9, flashLimit: 32256, ramLimit: 2048, sections: {} });

  const task = (project: string, target: string, status: string, extra: object = {}) => ({
    id: `${project}:${target}`,
    project,
    target,
    status,
    startTime: 1000,
    endTime: 3500,
    ...extra,
  });
  const run: RunInfo = {
    startTime: 0,
    endTime: 10_000,
    argv: ['run-many', '-t', 'build'],
    tasks: [
      task('uno/lib/examples/A_b__i_', 'link', 'success', {
        outputs: ['dist/uno/lib/examples/A|b <i>/A|b <i>.elf', 'dist/uno/lib/examples/A|b <i>/A|b <i>.size.json'],
      }),
      task('uno/lib/examples/A_b__i_/A_b__i_.ino', 'compile', 'local-cache'),
      task('uno/lib/examples/Nested/C', 'link', 'remote-cache'),
      task('uno/lib/examples/Nested/C/C.ino', 'compile', 'remote-cache'),
      task('uno/lib/examples/Nested/C/src/x.cpp', 'compile', 'success'),
      task('native/lib/examples/Nested/C', 'link', 'local-cache-kept-existing'),
      task('uno/lib/examples/Gone', 'link', 'skipped'),
      task('uno/lib/examples/Gone/Gone.ino', 'compile', 'failure', {
        terminalOutput:
          '\x1b[1m> nx run x\x1b[0m\nIn file included from a.h:1,\nGone.ino:3:1: error: boom\n  3 | x\nmore\nWarning: command "x" exited with non-zero status code',
      }),
      task('uno/lib/src/lib.cpp', 'compile', 'success'),
      task('lib/A', 'build', 'success'),
    ],
  };
  const report = collect(run, {
    workspaceRoot: root,
    outputDir: 'dist',
    targetNames: { compile: 'compile', link: 'link' },
    now: new Date(0),
  });

  it('collects entries from outputs, project roots or names; nested examples own their compile tasks', () => {
    expect(report.entries.map((e) => [e.board, e.example, e.link.outcome, e.size?.flash])).toEqual([
      ['uno', 'lib/A|b <i>', 'run', 1000],
      ['uno', 'lib/Gone', 'skipped', undefined],
      ['native', 'lib/Nested/C', 'local-hit', undefined],
      ['uno', 'lib/Nested/C', 'remote-hit', 3000],
    ]);
    const c = report.entries.find((e) => e.board === 'uno' && e.example === 'lib/Nested/C')!;
    expect(c.compile.counts).toEqual({ ...zeroCounts(), 'remote-hit': 1, run: 1 });
    expect(c.compile.seconds).toBe(2.5);
    expect(c.size!.flashPct).toBe(9.3);
    expect(report.summary).toMatchObject({ tasks: 10, compileSeconds: 7.5, wallSeconds: 10, examples: 3, entries: 4 });
    expect(report.summary.counts).toEqual({ run: 4, 'local-hit': 2, 'remote-hit': 2, failed: 1, skipped: 1 });
    expect(report.boards.map((b) => [b.board, b.measured, b.flashLimit])).toEqual([
      ['native', false, undefined],
      ['uno', true, 32256],
    ]);
    expect(report.failures).toEqual([
      {
        id: 'uno/lib/examples/Gone/Gone.ino:compile',
        project: 'uno/lib/examples/Gone/Gone.ino',
        target: 'compile',
        status: 'failure',
        reason: ['In file included from a.h:1,', 'Gone.ino:3:1: error: boom', '  3 | x', 'more'],
      },
    ]);
  });

  it('compares with a baseline: deltas, threshold, new and gone entries', () => {
    const baseline: BuildReport = JSON.parse(JSON.stringify(report));
    baseline.entries[0].size!.flash = 990; // +10 B now
    baseline.entries[3].size!.ram = 400; // -100 B now
    baseline.entries.push({ ...baseline.entries[0], example: 'lib/Removed' });
    const cmp = compare(report, baseline, { thresholdBytes: 0, source: 'old.json' });
    expect(cmp.entries[0].change).toEqual({ flash: 10, ram: 0, baseline: { flash: 990, ram: 100 }, regression: true });
    expect(cmp.entries[3].change).toMatchObject({ flash: 0, ram: -100, regression: false });
    expect(cmp.comparison).toMatchObject({
      regressions: 1,
      improvements: 1,
      unchanged: 0,
      added: 0,
      removed: [{ example: 'lib/Removed', board: 'uno', flash: 990, ram: 100 }],
    });
    expect(compare(report, baseline, { thresholdBytes: 10, source: 'old.json' }).comparison!.regressions).toBe(0);
    expect(parseThreshold('64')).toBe(64);
    const warnings: string[] = [];
    expect(parseThreshold('-3', (m) => warnings.push(m))).toBe(0);
    expect(warnings[0]).toContain('NX_FASTLED_REPORT_THRESHOLD');
  });

  it('writes the files, rotates report.previous.json only past reports with entries, and appends to the step summary', () => {
    const opts = (env: Record<string, string | undefined>) => ({
      workspaceRoot: root,
      outputDir: 'dist',
      targetNames: { compile: 'compile', link: 'link' },
      env,
      warn: () => undefined,
    });
    const summary = path.join(root, 'summary.md');
    const dir = path.join(root, 'dist/report');
    const a = writeReport(run, opts({ GITHUB_STEP_SUMMARY: summary }));
    expect(fs.readdirSync(dir).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    expect(a.report.comparison).toBeUndefined();
    const md = fs.readFileSync(summary, 'utf8');
    // A run that linked nothing: a report, no step summary, and the last useful report stays the previous one.
    const empty = writeReport({ ...run, tasks: [] }, opts({ GITHUB_STEP_SUMMARY: summary }));
    expect(fs.readFileSync(summary, 'utf8')).toBe(md);
    expect(empty.report.comparison).toMatchObject({ source: 'dist/report/report.previous.json', removed: expect.any(Array) });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'report.previous.json'), 'utf8')).entries).toHaveLength(4);
    const b = writeReport(run, opts({}));
    expect(b.report.comparison).toMatchObject({ source: 'dist/report/report.previous.json', unchanged: 2, regressions: 0 });
    expect(writeReport(run, opts({ NX_FASTLED_REPORT_BASELINE: 'none' })).report.comparison).toBeUndefined();
    const missing = writeReport(run, opts({ NX_FASTLED_REPORT_BASELINE: 'no/such/report.json' })).report;
    expect(missing.comparison).toBeUndefined();
    expect(missing.comparisonNote).toMatch(/no\/such\/report\.json/);
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('No comparison: NX_FASTLED_REPORT_BASELINE');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('escapes names in Markdown tables and HTML', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| lib/A\\|b &lt;i&gt; |');
    const html = renderHtml(report);
    expect(html).toContain('lib/A|b &lt;i&gt;');
    expect(html).not.toContain('<i>');
  });
});
