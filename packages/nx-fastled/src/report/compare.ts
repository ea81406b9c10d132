// Compare: a report against a baseline report (an older report.json): per example and board the flash and
// RAM deltas, and a regression wherever either grew by more than the threshold (bytes; 0 = any growth).
// Domain code: no Nx imports.
import * as fs from 'node:fs';
import { BuildReport, Comparison, entryKey, ReportEntry } from './model';

export interface CompareOptions {
  /** Growth in bytes (flash or RAM) that is still not a regression. */
  thresholdBytes: number;
  /** Where the baseline came from, for the reader. */
  source: string;
}

/** `NX_FASTLED_REPORT_THRESHOLD`: a non-negative integer of bytes; anything else is 0 with a warning. */
export function parseThreshold(raw: string | undefined, warn: (message: string) => void = () => undefined): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 0) {
    warn(`nx-fastled: NX_FASTLED_REPORT_THRESHOLD="${raw}" is not a whole number of bytes >= 0; using 0 (any growth is a regression)`);
    return 0;
  }
  return n;
}

/** Reads a baseline report.json; throws an Error that says what is wrong with it. */
export function readBaseline(file: string): BuildReport {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const r = data as Partial<BuildReport>;
  if (!r || r.version !== 1 || !Array.isArray(r.entries))
    throw new Error(`${file} is not an nx-fastled report.json (version 1 with entries)`);
  return r as BuildReport;
}

/** The report with `change` on every entry both sides measured, and the comparison's summary. */
export function compare(report: BuildReport, baseline: BuildReport, options: CompareOptions): BuildReport {
  const before = new Map<string, ReportEntry>();
  for (const e of baseline.entries) if (e.size) before.set(entryKey(e), e);
  const current = new Set(report.entries.map(entryKey));
  let regressions = 0;
  let improvements = 0;
  let unchanged = 0;
  let added = 0;
  const entries = report.entries.map((e) => {
    const { change: _c, added: _a, ...rest } = e;
    if (!e.size) return rest;
    const old = before.get(entryKey(e));
    if (!old?.size) {
      if (before.size > 0) {
        added++;
        return { ...rest, added: true };
      }
      return rest;
    }
    const flash = e.size.flash - old.size.flash;
    const ram = e.size.ram - old.size.ram;
    const regression = flash > options.thresholdBytes || ram > options.thresholdBytes;
    if (regression) regressions++;
    else if (flash < 0 || ram < 0) improvements++;
    else unchanged++;
    return { ...rest, change: { flash, ram, baseline: { flash: old.size.flash, ram: old.size.ram }, regression } };
  });
  const removed = [...before.values()]
    .filter((e) => !current.has(entryKey(e)))
    .map((e) => ({ example: e.example, board: e.board, flash: e.size!.flash, ram: e.size!.ram }));
  const comparison: Comparison = {
    source: options.source,
    ...(baseline.generatedAt ? { baselineGeneratedAt: baseline.generatedAt } : {}),
    thresholdBytes: options.thresholdBytes,
    regressions,
    improvements,
    unchanged,
    added,
    removed,
  };
  const { comparisonNote: _n, ...base } = report;
  return { ...base, entries, comparison, summary: { ...report.summary, regressions, improvements } };
}
