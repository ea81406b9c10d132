// The `sketches-report` JSON of arduino/compile-sketches (its `sketches-report-path` output, one file per
// board), made from a compared build report, so arduino/report-size-deltas can post it unchanged.
//
// Format, as compile-sketches writes it with `enable-deltas-report` and `enable-warnings-report`:
//   { "commit_hash": "<sha>", "commit_url": "<server>/<repo>/commit/<sha>",
//     "boards": [ { "board": "<fqbn>",
//       "sketches": [ { "name": "<workspace-relative sketch folder>", "compilation_success": true,
//         "sizes": [ { "name": "flash" | "RAM for global variables", "maximum": 32256,
//                      "current": { "absolute": 444, "relative": 1.38 }, "previous": {...}, "delta": {...} } ],
//         "warnings": { "current": { "absolute": 0 }, "previous": { "absolute": 0 }, "delta": { "absolute": 0 } } } ],
//       "sizes": [ { "name", "maximum", "delta": { "absolute": { "minimum", "maximum" }, "relative": {...} } } ],
//       "warnings": { "delta": { "absolute": { "minimum", "maximum" } } } } ] }
// A value that cannot be known is the string "N/A" (a failed compile; no base to compare with; no limit).
// `relative` is a percentage of `maximum` with two decimals; a delta's relative value is computed from the
// absolute delta, as compile-sketches does. Domain code: no Nx imports.
import { BuildReport, entryFailed, ReportEntry } from './model';

export const NA = 'N/A';
export type Maybe = number | typeof NA;

export interface SizeReport {
  name: string;
  maximum: Maybe;
  current: { absolute: Maybe; relative: Maybe };
  previous?: { absolute: Maybe; relative: Maybe };
  delta?: { absolute: Maybe; relative: Maybe };
}

export interface WarningsReport {
  current: { absolute: Maybe };
  previous?: { absolute: Maybe };
  delta?: { absolute: Maybe };
}

export interface SketchReport {
  name: string;
  compilation_success: boolean;
  sizes: SizeReport[];
  warnings?: WarningsReport;
}

export interface BoardSizeSummary {
  name: string;
  maximum: Maybe;
  delta?: { absolute: { minimum: Maybe; maximum: Maybe }; relative: { minimum: Maybe; maximum: Maybe } };
}

export interface BoardReport {
  board: string;
  sketches: SketchReport[];
  sizes?: BoardSizeSummary[];
  warnings?: { delta: { absolute: { minimum: Maybe; maximum: Maybe } } };
}

export interface SketchesReport {
  commit_hash: string;
  commit_url: string;
  boards: BoardReport[];
}

/** compile-sketches' memory type names (from arduino-cli's size output), which report-size-deltas prints. */
export const FLASH = 'flash';
export const RAM = 'RAM for global variables';

const AVR_BOARDS =
  /^(uno|mega|mega2560|nano|leonardo|micro|mini|pro|yun|ethernet|fio|bt|lilypad|lilypadusb|esplora|robotControl|robotMotor|gemma|circuitplay32u4cat|yunmini|chiwawa|one|unowifi|leonardoeth|megaADK|diecimila|atmegang)$/;

/** A board's FQBN: an FQBN stays one; an Arduino AVR board name becomes `arduino:avr:<name>`; else the name. */
export function fqbnOf(board: string, overrides: Record<string, string> = {}): string {
  if (overrides[board]) return overrides[board];
  if (board.includes(':')) return board;
  return AVR_BOARDS.test(board) ? `arduino:avr:${board}` : board;
}

/** The file compile-sketches names a board's report: the FQBN with `:` as `-`. */
export function reportFileName(fqbn: string): string {
  return `${fqbn.replace(/[:=,]/g, '-').replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const relative = (value: Maybe, maximum: Maybe): Maybe =>
  value === NA || maximum === NA || !maximum ? NA : round2((100 * value) / maximum);

function sizeReport(e: ReportEntry, which: 'flash' | 'ram', compared: boolean, baseline: ReportEntry | undefined): SizeReport {
  const limit = which === 'flash' ? e.size?.flashLimit : e.size?.ramLimit;
  const baseLimit = which === 'flash' ? baseline?.size?.flashLimit : baseline?.size?.ramLimit;
  const maximum: Maybe = limit ?? baseLimit ?? NA;
  const current: Maybe = e.size ? e.size[which] : NA;
  const report: SizeReport = {
    name: which === 'flash' ? FLASH : RAM,
    maximum,
    current: { absolute: current, relative: relative(current, maximum) },
  };
  if (compared) {
    const previous: Maybe = baseline?.size ? baseline.size[which] : NA;
    const delta: Maybe = current === NA || previous === NA ? NA : current - previous;
    report.previous = { absolute: previous, relative: relative(previous, maximum) };
    report.delta = { absolute: delta, relative: relative(delta, maximum) };
  }
  return report;
}

function warningsReport(e: ReportEntry, compared: boolean, baseline: ReportEntry | undefined): WarningsReport {
  const current: Maybe = entryFailed(e) ? NA : e.warnings;
  const w: WarningsReport = { current: { absolute: current } };
  if (compared) {
    const previous: Maybe = baseline && baseline.size && !entryFailed(baseline) ? (baseline.warnings ?? 0) : NA;
    w.previous = { absolute: previous };
    w.delta = { absolute: current === NA || previous === NA ? NA : current - previous };
  }
  return w;
}

/** Minimum and maximum of the known values; "N/A" when none is known (as compile-sketches summarises). */
function range(values: Maybe[]): { minimum: Maybe; maximum: Maybe } {
  const known = values.filter((v): v is number => v !== NA);
  return known.length ? { minimum: Math.min(...known), maximum: Math.max(...known) } : { minimum: NA, maximum: NA };
}

export interface SketchesReportOptions {
  commitHash: string;
  /** `https://github.com/<owner>/<repo>`; the commit URL is `<repoUrl>/commit/<hash>`. */
  repoUrl: string;
  /** The base's entries (the compared report's baseline): deltas are written when given. */
  baseline?: ReportEntry[];
  fqbn?: Record<string, string>;
}

/** One report per board that measures sizes (a board with no size tool has nothing for report-size-deltas). */
export function sketchesReports(report: BuildReport, options: SketchesReportOptions): SketchesReport[] {
  const compared = options.baseline !== undefined;
  const base = new Map((options.baseline ?? []).map((e) => [`${e.board}\t${e.example}`, e]));
  return report.boards
    .filter((b) => b.measured)
    .map((b) => {
      const sketches = report.entries
        .filter((e) => e.board === b.board)
        .map((e): SketchReport => {
          const old = base.get(`${e.board}\t${e.example}`);
          return {
            name: e.root ?? e.example,
            compilation_success: !entryFailed(e) && e.link.outcome !== 'skipped',
            sizes: [sizeReport(e, 'flash', compared, old), sizeReport(e, 'ram', compared, old)],
            warnings: warningsReport(e, compared, old),
          };
        })
        .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
      const board: BoardReport = { board: fqbnOf(b.board, options.fqbn), sketches };
      board.sizes = [FLASH, RAM].map((name, i) => {
        const maximum: Maybe = (i === 0 ? b.flashLimit : b.ramLimit) ?? NA;
        const summary: BoardSizeSummary = { name, maximum };
        if (compared) {
          const deltas = sketches.map((s) => s.sizes[i].delta!);
          summary.delta = { absolute: range(deltas.map((d) => d.absolute)), relative: range(deltas.map((d) => d.relative)) };
        }
        return summary;
      });
      if (compared) board.warnings = { delta: { absolute: range(sketches.map((s) => s.warnings!.delta!.absolute)) } };
      return board;
    })
    .map((board) => ({
      commit_hash: options.commitHash,
      commit_url: `${options.repoUrl.replace(/\/+$/, '')}/commit/${options.commitHash}`,
      boards: [board],
    }));
}
