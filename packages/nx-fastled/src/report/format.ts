// Formatting shared by the Markdown and HTML renderers: bytes, percentages, deltas, outcomes.
import { BuildReport, EntryChange, entryFailed, Outcome, OutcomeCounts, ReportEntry } from './model';

const THOUSANDS = /\B(?=(\d{3})+(?!\d))/g;

/** `12,345 B`, as en-US groups digits; by hand because the first toLocaleString call loads ICU (~25 ms of every run's report). */
export function bytes(n: number): string {
  return `${String(Math.round(n)).replace(THOUSANDS, ',')} B`;
}

export function pct(p: number | undefined): string {
  return p === undefined ? '' : `${p.toFixed(1)}%`;
}

export function secs(s: number | undefined): string {
  return s === undefined ? '' : `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

/** `▲ +123 B` for a regression, `+12 B` for growth within the threshold, `▼ -40 B` for a decrease, '' for none. */
export function delta(d: number, regression: boolean): string {
  if (d === 0) return '';
  if (d < 0) return `▼ -${bytes(-d)}`;
  return regression ? `▲ +${bytes(d)}` : `+${bytes(d)}`;
}

/** The delta of one measure, regression only when this measure is over the threshold. */
export function measureDelta(change: EntryChange | undefined, which: 'flash' | 'ram', thresholdBytes: number): string {
  if (!change) return '';
  const d = change[which];
  return delta(d, d > thresholdBytes);
}

export const OUTCOME_LABEL: Record<Outcome, string> = {
  run: 'run',
  'local-hit': 'local hit',
  'remote-hit': 'remote hit',
  failed: 'failed',
  skipped: 'skipped',
};

/** `2 run, 1 local hit` — the non-zero counts. */
export function countsText(c: OutcomeCounts): string {
  const words: [keyof OutcomeCounts, string][] = [
    ['run', 'run'],
    ['local-hit', 'local hit'],
    ['remote-hit', 'remote hit'],
    ['failed', 'failed'],
    ['skipped', 'skipped'],
  ];
  const parts = words.filter(([k]) => c[k] > 0).map(([k, w]) => `${c[k]} ${w}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** One entry's cache story: the link's outcome, and what its own compile tasks did when that differs. */
export function cacheText(e: ReportEntry): string {
  const c = e.compile.counts;
  const extra: string[] = [];
  if (c.run) extra.push(`${c.run} compiled`);
  if (c.failed) extra.push(`${c.failed} compile failed`);
  if (c['remote-hit'] && e.link.outcome !== 'remote-hit') extra.push(`${c['remote-hit']} remote hit`);
  // A failed compile keeps Nx from starting the link ("skipped" to Nx): the example failed all the same.
  const label = entryFailed(e) ? 'failed' : OUTCOME_LABEL[e.link.outcome];
  return extra.length ? `${label} (${extra.join(', ')})` : label;
}

export function summaryLine(r: BuildReport): string {
  const s = r.summary;
  const c = s.counts;
  const boards = r.boards.length;
  const parts = [
    `${s.examples} example${s.examples === 1 ? '' : 's'} × ${boards} board${boards === 1 ? '' : 's'} (${s.entries} build${s.entries === 1 ? '' : 's'})`,
    `${s.tasks} tasks: ${c.run} run, ${c['local-hit']} local hits, ${c['remote-hit']} remote hits, ${c.failed} failed, ${c.skipped} skipped`,
    `compile ${secs(s.compileSeconds)}`,
    `wall ${secs(s.wallSeconds)}`,
  ];
  if (r.comparison) {
    const cmp = r.comparison;
    parts.push(`${cmp.regressions} size regression${cmp.regressions === 1 ? '' : 's'} (threshold ${bytes(cmp.thresholdBytes)})`);
  }
  return parts.join(' · ');
}

export function comparisonText(r: BuildReport): string | undefined {
  const c = r.comparison;
  if (!c) return r.comparisonNote;
  const at = c.baselineGeneratedAt ? ` (generated ${c.baselineGeneratedAt})` : '';
  return (
    `Compared with ${c.source}${at}: ${c.regressions} regression${c.regressions === 1 ? '' : 's'}, ${c.improvements} smaller, ` +
    `${c.unchanged} unchanged, ${c.added} new, ${c.removed.length} gone; a regression is growth of flash or RAM by more than ${bytes(c.thresholdBytes)}.`
  );
}

/** One sentence per requested board that was not built (toolchain missing). */
export function boardsNotBuiltText(r: BuildReport): string[] {
  return (r.boardsNotBuilt ?? []).map((b) => `Board ${b.board} was not built: ${b.reason}`);
}
