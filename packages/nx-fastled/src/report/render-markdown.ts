// report.md: GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` — a summary line, the boards, a table of
// examples × boards (flash and RAM in bytes and % of the board's limit, regressions marked `▲ +123 B`, the
// cache story per board), the regressions again as a list, and the failed tasks with why.
import { BuildReport, entryFailed, ReportEntry } from './model';
import { boardsNotBuiltText, bytes, cacheText, comparisonText, countsText, measureDelta, pct, secs, summaryLine } from './format';

/** Table cells must not break the table (no pipes, no newlines) nor turn into HTML (GitHub renders tags). */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&(?![a-z]+;|#\d+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

function sizeCell(e: ReportEntry | undefined, which: 'flash' | 'ram', thresholdBytes: number): string {
  if (!e) return '—';
  if (!e.size) return entryFailed(e) ? 'failed' : e.link.outcome === 'skipped' ? 'skipped' : '—';
  const value = e.size[which];
  const p = which === 'flash' ? e.size.flashPct : e.size.ramPct;
  const d = measureDelta(e.change, which, thresholdBytes);
  const marked = d && e.change![which] > thresholdBytes ? `**${d}**` : d;
  return [bytes(value), p !== undefined ? `(${pct(p)})` : '', marked].filter(Boolean).join(' ');
}

export function renderMarkdown(report: BuildReport): string {
  const out: string[] = [];
  const threshold = report.comparison?.thresholdBytes ?? 0;
  out.push('## nx-fastled build report', '');
  out.push(`**${summaryLine(report)}**`, '');
  const cmp = comparisonText(report);
  if (cmp) out.push(cmp, '');
  for (const line of boardsNotBuiltText(report)) out.push(`**${line}**`, '');

  if (report.boards.length) {
    out.push('| board | flash limit | RAM limit | examples | tasks | compile |', '| --- | ---: | ---: | ---: | --- | ---: |');
    for (const b of report.boards) {
      out.push(
        `| ${cell(b.board)} | ${b.flashLimit !== undefined ? bytes(b.flashLimit) : '—'} | ${b.ramLimit !== undefined ? bytes(b.ramLimit) : '—'} | ${b.entries} | ${countsText(b.tasks)} | ${secs(b.compileSeconds)} |`,
      );
    }
    out.push('');
  }

  const measured = report.boards.filter((b) => b.measured).map((b) => b.board);
  const boards = report.boards.map((b) => b.board);
  const byExample = new Map<string, Map<string, ReportEntry>>();
  for (const e of report.entries) {
    if (!byExample.has(e.example)) byExample.set(e.example, new Map());
    byExample.get(e.example)!.set(e.board, e);
  }
  if (byExample.size) {
    const head = ['example', ...measured.flatMap((b) => [`${b} flash`, `${b} RAM`]), 'cache'];
    out.push(
      `| ${head.map(cell).join(' | ')} |`,
      `| --- | ${measured.map(() => '---: | ---:').join(' | ')}${measured.length ? ' | ' : ''}--- |`,
    );
    for (const [example, perBoard] of byExample) {
      const sizes = measured.flatMap((b) => [sizeCell(perBoard.get(b), 'flash', threshold), sizeCell(perBoard.get(b), 'ram', threshold)]);
      const cache = boards
        .filter((b) => perBoard.has(b))
        .map((b) => `${b}: ${cacheText(perBoard.get(b)!)}`)
        .join('; ');
      out.push(`| ${[example, ...sizes, cache].map(cell).join(' | ')} |`);
    }
    out.push('');
    const unmeasured = boards.filter((b) => !measured.includes(b));
    if (unmeasured.length)
      out.push(`_No sizes for ${unmeasured.join(', ')}: the board has no size tool, or none of its links produced sizes in this run._`, '');
  } else {
    out.push('_No example was linked in this run._', '');
  }

  const regressions = report.entries.filter((e) => e.change?.regression);
  if (regressions.length) {
    out.push(`### Size regressions (${regressions.length})`, '');
    for (const e of regressions) {
      const parts = (['flash', 'ram'] as const)
        .filter((w) => e.change![w] > threshold)
        .map(
          (w) =>
            `${w === 'flash' ? 'flash' : 'RAM'} ${measureDelta(e.change, w, threshold)} (${bytes(e.change!.baseline[w])} → ${bytes(e.size![w])})`,
        );
      out.push(`- \`${e.example}\` on ${e.board}: ${parts.join(', ')}`);
    }
    out.push('');
  }

  const skips = report.skips ?? [];
  if (skips.length) {
    out.push(`<details><summary>Not built on a board (${skips.length})</summary>`, '');
    for (const s of skips) out.push(`- \`${s.example}\` on ${s.board}: ${cell(s.reason)}`);
    out.push('', '</details>', '');
  }

  if (report.failures.length) {
    out.push(`### Failed tasks (${report.failures.length})`, '');
    for (const f of report.failures) {
      out.push(`- \`${f.id}\``);
      if (f.reason?.length) out.push('', '  ```text', ...f.reason.map((l) => `  ${l.replace(/```/g, "'''")}`), '  ```', '');
    }
    out.push('');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
