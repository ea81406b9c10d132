// The build report's data model: what `report.json` holds, and what the renderers read.
// Domain code: no Nx imports. See docs/REPORT.md for the file formats.

/** One task as the run recorded it (`run.json`'s entries, plus what only the live run knows). */
export interface RunTask {
  id: string;
  project: string;
  target: string;
  /** Nx's status: success | failure | skipped | stopped | local-cache | local-cache-kept-existing | remote-cache. */
  status: string;
  code?: number;
  hash?: string;
  startTime?: number;
  endTime?: number;
  /** Workspace-relative outputs (Nx's resolved `task.outputs`); absent when read back from run.json. */
  outputs?: string[];
  /** Workspace-relative project root; absent when read back from run.json. */
  projectRoot?: string;
  /** The task's terminal output (failed tasks only; a tail when read back from run.json). */
  terminalOutput?: string;
  /** Compiler warnings in the task's terminal output (fresh or replayed from the cache alike); absent = 0. */
  warnings?: number;
}

/** An example project as the plugin declared it: its folder and, per configured board, built or why not. */
export interface ExampleInfo {
  /** `<library id>/<example path>`, the example's Nx project. */
  example: string;
  /** Workspace-relative example folder. */
  root: string;
  /** Per board: `built`, `skipped: <why>`, `error: <why>`, `toolchain missing: ...`. */
  boards: Record<string, string>;
}

export interface RunInfo {
  startTime: number;
  endTime: number;
  argv: string[];
  tasks: RunTask[];
  /** Requested boards that were not built because their toolchain is missing (said, never silently skipped). */
  boardsNotBuilt?: BoardNotBuilt[];
}

export interface BoardNotBuilt {
  board: string;
  /** What is missing and how to install it, one sentence. */
  reason: string;
}

/** A task's outcome in the report's words. */
export type Outcome = 'run' | 'local-hit' | 'remote-hit' | 'failed' | 'skipped';

export const OUTCOMES: Outcome[] = ['run', 'local-hit', 'remote-hit', 'failed', 'skipped'];

export function outcomeOf(status: string): Outcome {
  switch (status) {
    case 'success':
      return 'run';
    case 'local-cache':
    case 'local-cache-kept-existing':
      return 'local-hit';
    case 'remote-cache':
      return 'remote-hit';
    case 'failure':
      return 'failed';
    default:
      // skipped (a dependency failed), stopped (the run was interrupted), anything newer.
      return 'skipped';
  }
}

export type OutcomeCounts = Record<Outcome, number>;

export function zeroCounts(): OutcomeCounts {
  return { run: 0, 'local-hit': 0, 'remote-hit': 0, failed: 0, skipped: 0 };
}

export interface EntrySize {
  flash: number;
  ram: number;
  flashLimit?: number;
  ramLimit?: number;
  /** Percent of the board's limit, one decimal; absent without a limit. */
  flashPct?: number;
  ramPct?: number;
  /** Workspace-relative `<Name>.size.json` the numbers come from. */
  file: string;
  sections: Record<string, number>;
}

export interface EntryChange {
  /** Byte deltas against the baseline's entry (current - baseline). */
  flash: number;
  ram: number;
  baseline: { flash: number; ram: number };
  /** Flash or RAM grew by more than the threshold. */
  regression: boolean;
}

/** One example on one board. */
export interface ReportEntry {
  /** `<library id>/<example path>`, e.g. `ledstrip/Effects/Fire`: the example's Nx project. */
  example: string;
  library: string;
  board: string;
  /** `status` is Nx's, or `not-run` when a failed compile kept the link from starting (outcome `skipped`). */
  link: { task: string; outcome: Outcome; status: string; seconds?: number };
  /** The example's own translation units (the sketch and its extra sources). */
  compile: { tasks: string[]; counts: OutcomeCounts; seconds: number };
  /** Absent when the link did not produce sizes in this run (failed, skipped) or the board measures none. */
  size?: EntrySize;
  /** Against the baseline; absent without a baseline or when either side has no sizes. */
  change?: EntryChange;
  /** The baseline has sizes for other examples but not this one. */
  added?: boolean;
  /** Compiler warnings of the example's own compile tasks and its link (cached output counts too). */
  warnings: number;
  /** Workspace-relative example folder, when the plugin's project graph said it. */
  root?: string;
}

/** An example the run did not build on a board, and why (a sketch filter, a missing toolchain). */
export interface ReportSkip {
  example: string;
  board: string;
  reason: string;
  root?: string;
}

/** Whether an entry failed (its link, or one of its compiles: then the link never ran). */
export function entryFailed(e: ReportEntry): boolean {
  return e.link.outcome === 'failed' || e.compile.counts.failed > 0;
}

export interface BoardSummary {
  board: string;
  flashLimit?: number;
  ramLimit?: number;
  entries: number;
  /** Whether any entry of the board has sizes (the native board measures none). */
  measured: boolean;
  tasks: OutcomeCounts;
  compileSeconds: number;
}

export interface ReportSummary {
  tasks: number;
  counts: OutcomeCounts;
  /** Seconds spent in compile tasks that ran (cache hits excluded). */
  compileSeconds: number;
  linkSeconds: number;
  /** The whole run, first task start to last task end as Nx measured it. */
  wallSeconds: number;
  examples: number;
  entries: number;
  regressions: number;
  improvements: number;
}

export interface ReportFailure {
  id: string;
  project: string;
  target: string;
  status: string;
  /** The first lines that say why (compiler errors first), when the terminal output was available. */
  reason?: string[];
}

export interface Comparison {
  /** Where the baseline came from, as given (env path) or `report.previous.json`. */
  source: string;
  baselineGeneratedAt?: string;
  thresholdBytes: number;
  regressions: number;
  improvements: number;
  unchanged: number;
  added: number;
  removed: { example: string; board: string; flash: number; ram: number }[];
}

export interface BuildReport {
  version: 1;
  generatedAt: string;
  run: { startTime: number; endTime: number; argv: string[] };
  summary: ReportSummary;
  boards: BoardSummary[];
  entries: ReportEntry[];
  /** Examples of the run not built on a board, with the reason (absent when the graph was not readable). */
  skips?: ReportSkip[];
  failures: ReportFailure[];
  comparison?: Comparison;
  /** Why there is no comparison although one was asked for (baseline missing or unreadable). */
  comparisonNote?: string;
  /** Requested boards not built (toolchain missing); absent when every requested board was built. */
  boardsNotBuilt?: BoardNotBuilt[];
}

export function entryKey(e: { example: string; board: string }): string {
  return `${e.board}\t${e.example}`;
}
