// Writing the report after a run: collect, compare with the baseline, render, and write-then-rename
// `report.json`, `report.md` and `report.html` under `<outputDir>/report/`; append the Markdown to
// `$GITHUB_STEP_SUMMARY` when that is set. Domain code: no Nx imports.
//
// Baseline: `NX_FASTLED_REPORT_BASELINE=<older report.json>` (relative to the workspace root), `none` for no
// comparison; otherwise the previous report. Rotation: before a run's report.json is written, the one there
// moves to `report.previous.json` if it has at least one example (a run without links keeps the last useful
// previous report), and that previous report is the automatic baseline.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomic } from '../util/atomic';
import { collect } from './collect';
import { compare, parseThreshold, readBaseline } from './compare';
import { BuildReport, ExampleInfo, RunInfo } from './model';
import { renderHtml } from './render-html';
import { FILMSTRIP_CSS, findFilmstrips, renderFilmstrips } from './filmstrip';
import { renderJson } from './render-json';
import { renderMarkdown } from './render-markdown';

export interface WriteReportOptions {
  workspaceRoot: string;
  outputDir: string;
  targetNames: { compile: string; link: string };
  env: Record<string, string | undefined>;
  warn?: (message: string) => void;
  now?: Date;
  /** The plugin's example projects: folders to link to, and why an example was not built on a board. */
  examples?: ExampleInfo[];
  /**
   * More sections for report.html, after the filmstrips; `top` ones right under the summary cards (the run's
   * "what ran and why", plugin/why.ts: on a large library the sizes table is thousands of pixels long).
   */
  sections?: { html: string; css: string; top?: boolean }[];
}

export interface WrittenReport {
  report: BuildReport;
  dir: string;
  files: { json: string; markdown: string; html: string; previous?: string };
}

function hasEntries(file: string): boolean {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(r?.entries) && r.entries.length > 0;
  } catch {
    return false;
  }
}

export function writeReport(run: RunInfo, options: WriteReportOptions): WrittenReport {
  const warn = options.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  const dir = path.join(options.workspaceRoot, options.outputDir, 'report');
  const files = { json: path.join(dir, 'report.json'), markdown: path.join(dir, 'report.md'), html: path.join(dir, 'report.html') };
  const previous = path.join(dir, 'report.previous.json');
  let report = collect(run, {
    workspaceRoot: options.workspaceRoot,
    outputDir: options.outputDir,
    targetNames: options.targetNames,
    now: options.now,
    examples: options.examples,
  });

  // Rotate first: the previous report is the automatic baseline.
  fs.mkdirSync(dir, { recursive: true });
  if (hasEntries(files.json)) fs.renameSync(files.json, previous);

  const asked = options.env.NX_FASTLED_REPORT_BASELINE?.trim();
  const thresholdBytes = parseThreshold(options.env.NX_FASTLED_REPORT_THRESHOLD, warn);
  if (asked && asked !== 'none') {
    const file = path.resolve(options.workspaceRoot, asked);
    try {
      report = compare(report, readBaseline(file), { thresholdBytes, source: asked });
    } catch (e) {
      report = { ...report, comparisonNote: `No comparison: NX_FASTLED_REPORT_BASELINE: ${(e as Error).message}` };
      warn(`nx-fastled: build report: NX_FASTLED_REPORT_BASELINE: ${(e as Error).message}; writing the report without a comparison`);
    }
  } else if (!asked && fs.existsSync(previous)) {
    try {
      report = compare(report, readBaseline(previous), {
        thresholdBytes,
        source: path.posix.join(options.outputDir, 'report', 'report.previous.json'),
      });
    } catch (e) {
      report = { ...report, comparisonNote: `No comparison: ${(e as Error).message}` };
    }
  }

  const markdown = renderMarkdown(report);
  writeAtomic(files.json, renderJson(report));
  writeAtomic(files.markdown, markdown);
  const linkDirs = report.entries
    .map((e) => e.size?.file)
    .filter((f): f is string => !!f)
    .map((f) => path.posix.dirname(f));
  let films = '';
  try {
    films = renderFilmstrips(findFilmstrips(options.workspaceRoot, options.outputDir, run.tasks, linkDirs));
  } catch (e) {
    warn(`nx-fastled: build report: no filmstrips: ${(e as Error).message}`);
  }
  writeAtomic(
    files.html,
    renderHtml(report, {
      reportDir: path.posix.join(options.outputDir, 'report'),
      extra: {
        html: [films, ...(options.sections ?? []).filter((x) => !x.top).map((x) => x.html)].filter(Boolean).join('\n'),
        css: [films ? FILMSTRIP_CSS : '', ...(options.sections ?? []).map((x) => x.css)].join(''),
      },
      top: (options.sections ?? [])
        .filter((x) => x.top)
        .map((x) => x.html)
        .join('\n'),
    }),
  );
  // The step summary only gets runs that built or broke something of nx-fastled's (not a lint run).
  const summaryFile = options.env.GITHUB_STEP_SUMMARY;
  if (summaryFile && (report.entries.length > 0 || report.failures.length > 0)) {
    try {
      fs.appendFileSync(summaryFile, `${markdown}\n`);
    } catch (e) {
      warn(`nx-fastled: build report: cannot append to GITHUB_STEP_SUMMARY (${summaryFile}): ${(e as Error).message}`);
    }
  }
  return { report, dir, files: { ...files, ...(fs.existsSync(previous) ? { previous } : {}) } };
}
