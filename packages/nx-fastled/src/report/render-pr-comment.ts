// pr-comment.md: one pull-request comment (GitHub-flavoured Markdown) for a size comparison, updated in
// place on every push: it starts with PR_COMMENT_MARKER, which the commenting workflow looks for.
//
// Sections: the budget's verdict (each violation on its own line), a table per board (min/max flash and RAM
// change, examples, changed, failed, not built, warnings), a table of the examples that changed, failed or
// are new (flash and RAM in bytes, % of the board's limit, change in bytes and in % of the limit, warnings),
// the unchanged ones folded away, the failures with their first error line, the examples not built on a
// board with why, the examples whose LED frames or serial output changed (when the head's run tested them; the
// filmstrips themselves are in report.html: a comment cannot show images from an artifact), and what the base
// side cost (tasks, cache hits, compiler runs, simulator runs). Domain code: no Nx imports.
import { BuildReport, entryFailed, ReportEntry } from './model';
import { bytes, pct } from './format';
import { SizesComparison } from './sizes';

export const PR_COMMENT_MARKER = '<!-- nx-fastled:sizes -->';

/** Table cells must not break the table (no pipes, no newlines) nor turn into HTML. */
function cell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/&(?![a-z]+;|#\d+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

const signed = (n: number) => (n > 0 ? `+${bytes(n)}` : n < 0 ? `-${bytes(-n)}` : '0 B');
const signedPct = (n: number) => `${n > 0 ? '+' : n < 0 ? '-' : '±'}${Math.abs(n).toFixed(2)}%`;
const short = (sha: string | undefined) => (sha ? sha.slice(0, 10) : '?');

/** `▲ +640 B (+1.98%)`, `▼ -40 B (-0.12%)`, `0`; the percentage is of the board's limit, as compile-sketches does. */
function deltaText(d: number, limit: number | undefined): string {
  if (d === 0) return '0';
  const p = limit ? ` (${signedPct((100 * d) / limit)})` : '';
  return `${d > 0 ? '▲' : '▼'} ${signed(d)}${p}`;
}

function rangeText(values: number[]): string {
  if (!values.length) return 'N/A';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? signed(lo) : `${signed(lo)} … ${signed(hi)}`;
}

function failureLine(report: BuildReport, e: ReportEntry): string {
  const project = e.link.task.slice(0, e.link.task.lastIndexOf(':'));
  const f = report.failures.find((x) => x.project === project || x.project.startsWith(`${project}/`));
  const what = e.compile.counts.failed ? 'compile failed' : 'link failed';
  const why = f?.reason?.find((l) => /\berror\b|undefined reference|overflow|not within region/i.test(l)) ?? f?.reason?.[0];
  return `${what}${why ? `: \`${why.replace(/`/g, "'").slice(0, 200)}\`` : ''}`;
}

export interface PrCommentOptions {
  /** `https://github.com/<owner>/<repo>`: examples link to their folder at the head commit. */
  repoUrl?: string;
}

export function renderPrComment(cmp: SizesComparison, options: PrCommentOptions = {}): string {
  const r = cmp.report;
  const out: string[] = [PR_COMMENT_MARKER];
  const base = cmp.base.commit?.startsWith(cmp.base.ref)
    ? `\`${short(cmp.base.commit)}\``
    : `\`${cmp.base.ref}\`${cmp.base.commit ? ` (${short(cmp.base.commit)})` : ''}`;
  out.push(`## Memory usage change @ ${short(cmp.head.commit)} against ${base}`, '');

  const link = (e: { example: string; root?: string }) =>
    options.repoUrl && e.root && cmp.head.commit
      ? `[${cell(e.example)}](${options.repoUrl.replace(/\/+$/, '')}/tree/${cmp.head.commit}/${encodeURI(e.root)})`
      : `\`${cell(e.example)}\``;

  const violations = cmp.budget?.violations ?? [];
  if (!cmp.budget) out.push('_No size budget (add `size-budget.json`, see docs/REPORT.md)._', '');
  else if (!violations.length) out.push(`**Size budget: met** (\`${cmp.budget.file}\`).`, '');
  else {
    out.push(`**Size budget: ${violations.length} violation${violations.length === 1 ? '' : 's'}** (\`${cmp.budget.file}\`):`, '');
    for (const v of violations) out.push(`- ${cell(v.message)}`);
    out.push('');
  }

  const skips = r.skips ?? [];
  out.push(
    '| board | flash change (min … max) | RAM change (min … max) | examples | changed | failed | not built | warnings |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const b of r.boards) {
    const mine = r.entries.filter((e) => e.board === b.board);
    const changes = mine.filter((e) => e.change).map((e) => e.change!);
    const changed = changes.filter((c) => c.flash !== 0 || c.ram !== 0).length;
    const failed = mine.filter(entryFailed).length;
    const warnings = mine.reduce((n, e) => n + e.warnings, 0);
    out.push(
      `| ${cell(b.board)} | ${b.measured ? rangeText(changes.map((c) => c.flash)) : 'no sizes'} | ${b.measured ? rangeText(changes.map((c) => c.ram)) : 'no sizes'} | ${mine.length} | ${changed} | ${failed} | ${skips.filter((s) => s.board === b.board).length} | ${warnings} |`,
    );
  }
  out.push('');

  // A board with no size tool (native) has nothing to list but its failures.
  const measured = new Set(r.boards.filter((b) => b.measured).map((b) => b.board));
  const listed = r.entries.filter((e) => measured.has(e.board) || entryFailed(e));
  const interesting = (e: ReportEntry) =>
    entryFailed(e) || e.added || (e.change && (e.change.flash !== 0 || e.change.ram !== 0)) || (e.size && !e.change);
  const row = (e: ReportEntry) => {
    const s = e.size;
    const sizes = s
      ? [
          bytes(s.flash),
          pct(s.flashPct) || '—',
          e.change ? deltaText(e.change.flash, s.flashLimit) : 'new',
          bytes(s.ram),
          pct(s.ramPct) || '—',
          e.change ? deltaText(e.change.ram, s.ramLimit) : 'new',
        ]
      : [entryFailed(e) ? '**failed**' : e.link.outcome === 'skipped' ? 'not built' : 'no sizes', '', '', '', '', ''];
    return `| ${link(e)} | ${cell(e.board)} | ${sizes.map(cell).join(' | ')} | ${entryFailed(e) ? 'N/A' : e.warnings} |`;
  };
  const head = [
    '| example | board | flash | % | flash change | RAM | % | RAM change | warnings |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const shown = listed.filter(interesting);
  const rest = listed.filter((e) => !interesting(e));
  if (shown.length) out.push(...head, ...shown.map(row), '');
  else out.push('No example changed size.', '');
  if (rest.length) out.push(`<details><summary>Unchanged (${rest.length})</summary>`, '', ...head, ...rest.map(row), '', '</details>', '');

  const outputs = cmp.outputs;
  if (outputs) {
    const n = outputs.changed.length;
    out.push(`### LED and serial output: ${n} of ${outputs.compared} changed`, '');
    if (n) {
      out.push('| example | board | what changed |', '| --- | --- | --- |');
      for (const c of outputs.changed) out.push(`| ${link(c)} | ${cell(c.board)} | ${cell(c.text)} |`);
      out.push(
        '',
        `Both filmstrips and the serial output, base | head: \`report.html\` of this size comparison (the workflow's \`sizes-<board>\` artifact).`,
        '',
      );
    } else
      out.push(
        `No example changed what its LEDs showed or what it printed (\`${cell(outputs.testTarget)}\` target, base against head).`,
        '',
      );
    if (outputs.notCompared.length) {
      out.push(`<details><summary>Output not compared (${outputs.notCompared.length})</summary>`, '');
      for (const x of outputs.notCompared) out.push(`- \`${cell(x.example)}\` on ${cell(x.board)}: ${cell(x.why)}`);
      out.push('', '</details>', '');
    }
  }

  const failed = r.entries.filter(entryFailed);
  if (failed.length) {
    out.push(`### Failed (${failed.length})`, '');
    for (const e of failed) out.push(`- ${link(e)} on ${cell(e.board)}: ${failureLine(r, e)}`);
    out.push('');
  }
  if (r.comparison?.removed.length) {
    out.push(
      `Built on the base, not here: ${r.comparison.removed.map((x) => `\`${cell(x.example)}\` (${cell(x.board)})`).join(', ')}.`,
      '',
    );
  }
  if (skips.length) {
    out.push(`<details><summary>Not built on a board (${skips.length})</summary>`, '');
    for (const s of skips) out.push(`- \`${cell(s.example)}\` on ${cell(s.board)}: ${cell(s.reason)}`);
    out.push('', '</details>', '');
  }

  const run = cmp.base.run;
  const cost = run
    ? `built from the cache: ${run.tasks} tasks, ${run.hits} cache hits, ${run.compilerRuns} compiler runs${outputs ? `, ${run.simulatorRuns ?? 0} simulator runs` : ''}, ${run.seconds.toFixed(1)} s`
    : cmp.base.source === 'report'
      ? `sizes from \`${cmp.base.reportFile ?? 'a report'}\``
      : '';
  out.push(`<sub>Base ${base}${cost ? `: ${cost}` : ''}. Sizes in bytes; % of the board's limit. Posted by nx-fastled.</sub>`);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
