// report.html: one static page, no network (inline CSS and JS, no fonts, no CDN). Sections, each a function
// below (so another section, e.g. a filmstrip per example, is one more function and one line in renderHtml):
// the summary cards, the change against the baseline, the sizes table (one row per example, per board a
// flash, a RAM and a change column; a board the example is not built for says why; each example links to
// its folder), a bar chart of flash and RAM per example and board (inline SVG, each bar relative to the
// board's limit), the examples skipped per board, and the failed tasks with why.
//
// The table is sortable (click a header; `?sort=<key>&dir=asc|desc`, keys `example` and
// `<flash|ram|dflash|dram>-<board>`; by default the first measured board's flash, descending). Rows are
// written in example order and sorted by the page's script, so a page that shows them by flash has run it.
import * as path from 'node:path';
import { BuildReport, entryFailed, ReportEntry } from './model';
import { boardsNotBuiltText, bytes, comparisonText, measureDelta, OUTCOME_LABEL, pct, secs, summaryLine } from './format';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
:root{--fg:#1d2430;--muted:#5b6575;--line:#dde2ea;--bg:#fff;--alt:#f6f8fb;--flash:#2f6fdd;--ram:#e0861e;--bad:#c62828;--good:#2e7d32;--limit:#8a94a6}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.meta{color:var(--muted);margin:0 0 16px}.meta code{background:var(--alt);padding:1px 4px;border-radius:3px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:104px;background:var(--alt)}
.card b{display:block;font-size:20px}.card span{color:var(--muted);font-size:12px}
.card.bad b{color:var(--bad)}
.note{margin:6px 0;color:var(--muted)}.note.regress{color:var(--bad)}
table{border-collapse:collapse;width:100%}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:var(--alt)}
thead th{position:sticky;top:0;background:#eef1f6;cursor:pointer;user-select:none}
thead th:hover{background:#e2e7ef}
thead th[aria-sort=ascending]::after{content:" \\25B2";font-size:10px}
thead th[aria-sort=descending]::after{content:" \\25BC";font-size:10px}
tr.regression td:first-child,tr.failed td:first-child{box-shadow:inset 3px 0 0 var(--bad)}
th.board{text-align:center;cursor:default;border-left:2px solid var(--line)}td.why{color:var(--muted);white-space:normal;max-width:320px;font-size:12px}
td.d{font-size:12px}table#sizes{width:auto;min-width:60%}#sizes td,#sizes th{padding:5px 14px}a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}.skips li{margin:2px 0}
.up{color:var(--bad);font-weight:600}.down{color:var(--good)}.grow{color:var(--muted)}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;background:#e8ecf2}
.badge.run{background:#dbe8ff}.badge.local-hit,.badge.remote-hit{background:#dcf2df}.badge.failed{background:#fbdada;color:var(--bad)}.badge.skipped{background:#eee;color:var(--muted)}
.muted{color:var(--muted)}
figure{margin:0 0 18px}figcaption{color:var(--muted);margin:0 0 6px}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
svg .bar.flash{fill:var(--flash)}svg .bar.ram{fill:var(--ram)}svg .track{fill:#eef1f6}
svg .limit{stroke:var(--limit);stroke-dasharray:3 3}svg text.val{fill:var(--muted);font-size:11px}svg text.up{fill:var(--bad);font-weight:600}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
pre{background:#fbf3f3;border:1px solid #f0d0d0;padding:8px;border-radius:4px;overflow:auto;font-size:12px;margin:4px 0 12px}
`;

// Sorting: rows carry `data-<key>`; a header click sorts by its key (again: the other way). Empty values
// always sort last; ties fall back to the example. The default key is the table's `data-default`.
const JS = `
(function(){
  var table=document.getElementById('sizes');
  if(!table||!table.tBodies.length)return;
  var body=table.tBodies[0],heads=[].slice.call(table.tHead.querySelectorAll('th[data-key]'));
  function head(key){for(var i=0;i<heads.length;i++)if(heads[i].getAttribute('data-key')===key)return heads[i];return null;}
  function value(row,key,num){var v=row.getAttribute('data-'+key);if(v===null||v==='')return null;return num?parseFloat(v):v;}
  function tie(a,b){return value(a,'example').localeCompare(value(b,'example'));}
  function sort(key,dir){
    var th=head(key);if(!th)return false;
    var num=th.getAttribute('data-type')==='num',sign=dir==='asc'?1:-1;
    var rows=[].slice.call(body.rows);
    rows.sort(function(a,b){
      var x=value(a,key,num),y=value(b,key,num);
      if(x===null||y===null)return x===null&&y===null?tie(a,b):(x===null?1:-1);
      var c=num?x-y:String(x).localeCompare(String(y));
      return c?sign*c:tie(a,b);
    });
    rows.forEach(function(r){body.appendChild(r);});
    heads.forEach(function(h){h.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',dir==='asc'?'ascending':'descending');
    table.setAttribute('data-sort',key);table.setAttribute('data-dir',dir);
    return true;
  }
  function defaultDir(key){var th=head(key);return th&&th.getAttribute('data-type')==='num'?'desc':'asc';}
  heads.forEach(function(th){th.addEventListener('click',function(){
    var key=th.getAttribute('data-key');
    var dir=table.getAttribute('data-sort')===key?(table.getAttribute('data-dir')==='asc'?'desc':'asc'):defaultDir(key);
    sort(key,dir);
    try{var u=new URL(location.href);u.searchParams.set('sort',key);u.searchParams.set('dir',dir);history.replaceState(null,'',u.href);}catch(e){}
  });});
  var q=new URLSearchParams(location.search),key=q.get('sort')||table.getAttribute('data-default')||'example';
  if(!head(key))key='example';
  var dir=q.get('dir');if(dir!=='asc'&&dir!=='desc')dir=defaultDir(key);
  sort(key,dir);
})();
`;

export interface HtmlOptions {
  /** Workspace-relative folder the page is written to (`dist/report`): links to example folders are relative to it. */
  reportDir?: string;
  /** More sections, before the failures (the filmstrips of filmstrip.ts), with their CSS. */
  extra?: { html: string; css: string };
  /** HTML right under the summary cards (its CSS goes in `extra.css`). */
  top?: string;
}

/** The measures a board column group sorts by; the table's sort keys are `example` and `<measure>-<board>`. */
export const SORT_MEASURES = ['flash', 'ram', 'dflash', 'dram'] as const;

/** A board's name in a sort key and a data attribute (letters, digits, `-`, `_`). */
function boardKey(board: string): string {
  return board.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function sortKeys(report: BuildReport): string[] {
  return ['example', ...report.boards.flatMap((b) => SORT_MEASURES.map((m) => `${m}-${boardKey(b.board)}`))];
}

function numAttr(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

function deltaHtml(e: ReportEntry, which: 'flash' | 'ram', threshold: number): string {
  const text = measureDelta(e.change, which, threshold);
  if (!text) return e.change ? '<span class="muted">0</span>' : '';
  const d = e.change![which];
  const cls = d > threshold ? 'up' : d < 0 ? 'down' : 'grow';
  return `<span class="${cls}">${esc(text)}</span>`;
}

interface ExampleRow {
  example: string;
  root?: string;
  perBoard: Map<string, ReportEntry>;
  skipped: Map<string, string>;
}

function exampleRows(report: BuildReport): ExampleRow[] {
  const rows = new Map<string, ExampleRow>();
  const get = (example: string) => {
    if (!rows.has(example)) rows.set(example, { example, perBoard: new Map(), skipped: new Map() });
    return rows.get(example)!;
  };
  for (const e of report.entries) {
    const r = get(e.example);
    r.perBoard.set(e.board, e);
    r.root ??= e.root;
  }
  for (const s of report.skips ?? []) {
    const r = get(s.example);
    r.skipped.set(s.board, s.reason);
    r.root ??= s.root;
  }
  return [...rows.values()].sort((a, b) => (a.example < b.example ? -1 : a.example > b.example ? 1 : 0));
}

function exampleLink(row: ExampleRow, options: HtmlOptions): string {
  if (!row.root) return esc(row.example);
  const href = path.posix.relative(options.reportDir ?? 'dist/report', row.root) || '.';
  return `<a href="${esc(encodeURI(href))}/" title="${esc(row.root)}">${esc(row.example)}</a>`;
}

/** The three cells of one example on one board: flash, RAM, change; or one wide cell saying why there are none. */
function boardCells(row: ExampleRow, board: string, threshold: number): string {
  const e = row.perBoard.get(board);
  const skip = row.skipped.get(board);
  if (!e) {
    const text = skip !== undefined ? 'skipped' : '—';
    return `<td colspan="3" class="why"${skip ? ` title="${esc(skip)}"` : ''}><span class="badge skipped">${esc(text)}</span>${skip ? ` <span class="muted reason">${esc(skip.length > 90 ? `${skip.slice(0, 87)}...` : skip)}</span>` : ''}</td>`;
  }
  const s = e.size;
  if (!s) {
    const failed = entryFailed(e);
    const label = failed
      ? e.compile.counts.failed
        ? 'compile failed'
        : 'link failed'
      : e.link.outcome === 'skipped'
        ? 'not built'
        : `built (${OUTCOME_LABEL[e.link.outcome]})`;
    const cls = failed ? 'failed' : e.link.outcome === 'skipped' ? 'skipped' : e.link.outcome;
    return `<td colspan="3" class="why" title="${esc(failed || e.link.outcome === 'skipped' ? label : `${e.board} measures no sizes`)}"><span class="badge ${cls}">${esc(label)}</span></td>`;
  }
  const cache = `${OUTCOME_LABEL[e.link.outcome]}${e.compile.counts.run ? `, ${e.compile.counts.run} compiled` : ''}${e.warnings ? `, ${e.warnings} warning${e.warnings === 1 ? '' : 's'}` : ''}`;
  return (
    `<td class="n" title="${esc(`${e.board}: flash ${bytes(s.flash)}${s.flashPct !== undefined ? ` (${pct(s.flashPct)} of ${bytes(s.flashLimit!)})` : ''}; ${cache}`)}">${esc(bytes(s.flash))}${s.flashPct !== undefined ? ` <span class="muted">${esc(pct(s.flashPct))}</span>` : ''}</td>` +
    `<td class="n">${esc(bytes(s.ram))}${s.ramPct !== undefined ? ` <span class="muted">${esc(pct(s.ramPct))}</span>` : ''}</td>` +
    `<td class="n d">${[deltaHtml(e, 'flash', threshold), deltaHtml(e, 'ram', threshold)].filter(Boolean).join('<br>')}</td>`
  );
}

function sizesTable(report: BuildReport, options: HtmlOptions): string {
  const threshold = report.comparison?.thresholdBytes ?? 0;
  const boards = report.boards.map((b) => b.board);
  const rows = exampleRows(report);
  if (!rows.length) return '<p class="note">No example was linked in this run.</p>';
  const th = (key: string, label: string, num: boolean, extra = '') =>
    `<th data-key="${esc(key)}" data-type="${num ? 'num' : 'text'}"${num ? ' class="n"' : ''}${extra} title="Sort by ${esc(label)}">${esc(label)}</th>`;
  const top = `<tr><th rowspan="2" data-key="example" data-type="text" title="Sort by example">Example</th>${boards.map((b) => `<th colspan="3" class="board">${esc(b)}</th>`).join('')}</tr>`;
  const second = `<tr>${boards
    .map((b) => {
      const k = boardKey(b);
      return (
        th(`flash-${k}`, 'Flash', true, ` data-board="${esc(b)}"`) +
        th(`ram-${k}`, 'RAM', true, ` data-board="${esc(b)}"`) +
        th(`dflash-${k}`, 'Δ flash / RAM', true, ` data-board="${esc(b)}"`)
      );
    })
    .join('')}</tr>`;
  const body = rows.map((r) => {
    const data: string[] = [` data-example="${esc(r.example)}"`];
    for (const b of boards) {
      const e = r.perBoard.get(b);
      const k = boardKey(b);
      data.push(
        ` data-flash-${k}="${numAttr(e?.size?.flash)}" data-ram-${k}="${numAttr(e?.size?.ram)}" data-dflash-${k}="${numAttr(e?.change?.flash)}" data-dram-${k}="${numAttr(e?.change?.ram)}"`,
      );
    }
    const regression = [...r.perBoard.values()].some((e) => e.change?.regression);
    const failed = [...r.perBoard.values()].some(entryFailed);
    const added = [...r.perBoard.values()].some((e) => e.added);
    const cls = [regression ? 'regression' : '', failed ? 'failed' : ''].filter(Boolean).join(' ');
    return `<tr${cls ? ` class="${cls}"` : ''}${data.join('')}><td>${exampleLink(r, options)}${added ? ' <span class="badge">new</span>' : ''}</td>${boards.map((b) => boardCells(r, b, threshold)).join('')}</tr>`;
  });
  const firstMeasured = report.boards.find((b) => b.measured);
  const byDefault = firstMeasured ? `flash-${boardKey(firstMeasured.board)}` : 'example';
  return `<table id="sizes" data-default="${esc(byDefault)}"><thead>${top}${second}</thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

const LABEL_W = 270;
const BAR_W = 560;
const ROW_H = 30;

function chart(report: BuildReport, board: string): string {
  const threshold = report.comparison?.thresholdBytes ?? 0;
  const b = report.boards.find((x) => x.board === board)!;
  const entries = report.entries
    .filter((e) => e.board === board && e.size)
    .sort((x, y) => y.size!.flash - x.size!.flash || (x.example < y.example ? -1 : 1));
  if (!entries.length) return '';
  // Relative to the board's limits; a board without limits scales to its largest example.
  const flashScale = b.flashLimit ?? Math.max(1, ...entries.map((e) => e.size!.flash));
  const ramScale = b.ramLimit ?? Math.max(1, ...entries.map((e) => e.size!.ram));
  const caption =
    b.flashLimit !== undefined || b.ramLimit !== undefined
      ? `${board}: bars are % of the board's limits (flash ${b.flashLimit !== undefined ? bytes(b.flashLimit) : 'no limit'}, RAM ${b.ramLimit !== undefined ? bytes(b.ramLimit) : 'no limit'}); the dashed line is 100%.`
      : `${board}: no limits known; bars are relative to the largest example.`;
  const height = entries.length * ROW_H + 8;
  const width = LABEL_W + BAR_W + 190;
  const parts: string[] = [];
  const x0 = LABEL_W;
  entries.forEach((e, i) => {
    const y = 4 + i * ROW_H;
    const s = e.size!;
    const fw = Math.max(0.5, (Math.min(s.flash, flashScale) / flashScale) * BAR_W);
    const rw = Math.max(0.5, (Math.min(s.ram, ramScale) / ramScale) * BAR_W);
    const fd = measureDelta(e.change, 'flash', threshold);
    const rd = measureDelta(e.change, 'ram', threshold);
    const label = e.example.length > 38 ? `…${e.example.slice(-37)}` : e.example;
    parts.push(
      `<g data-example="${esc(e.example)}">`,
      `<text x="${x0 - 8}" y="${y + 16}" text-anchor="end">${esc(label)}<title>${esc(e.example)}</title></text>`,
      `<rect class="track" x="${x0}" y="${y + 2}" width="${BAR_W}" height="11"/>`,
      `<rect class="bar flash" x="${x0}" y="${y + 2}" width="${fw.toFixed(1)}" height="11"><title>${esc(`${e.example} on ${board}: flash ${bytes(s.flash)}${s.flashPct !== undefined ? ` (${pct(s.flashPct)})` : ''}`)}</title></rect>`,
      `<rect class="track" x="${x0}" y="${y + 14}" width="${BAR_W}" height="11"/>`,
      `<rect class="bar ram" x="${x0}" y="${y + 14}" width="${rw.toFixed(1)}" height="11"><title>${esc(`${e.example} on ${board}: RAM ${bytes(s.ram)}${s.ramPct !== undefined ? ` (${pct(s.ramPct)})` : ''}`)}</title></rect>`,
      `<text class="val" x="${x0 + BAR_W + 8}" y="${y + 12}">${esc(`${bytes(s.flash)}${s.flashPct !== undefined ? ` ${pct(s.flashPct)}` : ''}`)}</text>`,
      fd ? `<text class="val${e.change!.flash > threshold ? ' up' : ''}" x="${x0 + BAR_W + 120}" y="${y + 12}">${esc(fd)}</text>` : '',
      `<text class="val" x="${x0 + BAR_W + 8}" y="${y + 24}">${esc(`${bytes(s.ram)}${s.ramPct !== undefined ? ` ${pct(s.ramPct)}` : ''}`)}</text>`,
      rd ? `<text class="val${e.change!.ram > threshold ? ' up' : ''}" x="${x0 + BAR_W + 120}" y="${y + 24}">${esc(rd)}</text>` : '',
      `</g>`,
    );
  });
  parts.push(`<line class="limit" x1="${x0 + BAR_W}" y1="0" x2="${x0 + BAR_W}" y2="${height}"/>`);
  return (
    `<figure class="chart" data-board="${esc(board)}"><figcaption>${esc(caption)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`Flash and RAM per example on ${board}`)}">` +
    parts.filter(Boolean).join('') +
    `</svg></figure>`
  );
}

function cardsSection(report: BuildReport): string {
  const s = report.summary;
  const c = s.counts;
  const card = (value: string | number, label: string, bad = false) =>
    `<div class="card${bad ? ' bad' : ''}"><b>${esc(String(value))}</b><span>${esc(label)}</span></div>`;
  const cards = [
    card(s.tasks, 'tasks'),
    card(c.run, 'run'),
    card(c['local-hit'], 'local hits'),
    card(c['remote-hit'], 'remote hits'),
    card(c.failed, 'failed', c.failed > 0),
    card(c.skipped, 'skipped'),
    card(secs(s.compileSeconds), 'compile time'),
    card(secs(s.wallSeconds), 'wall time'),
    ...(report.comparison ? [card(report.comparison.regressions, 'size regressions', report.comparison.regressions > 0)] : []),
  ];
  return `<div class="cards">${cards.join('')}</div>\n<p class="note">${esc(summaryLine(report))}</p>`;
}

/** Requested boards whose toolchain is missing: said at the top, never only in `nx show project`. */
function boardsNotBuiltSection(report: BuildReport): string {
  return boardsNotBuiltText(report)
    .map((line) => `<p class="note regress" id="boards-not-built">${esc(line)}</p>`)
    .join('\n');
}

function comparisonSection(report: BuildReport): string {
  const cmp = comparisonText(report);
  const removed = report.comparison?.removed ?? [];
  return [
    cmp ? `<p class="note${report.comparison?.regressions ? ' regress' : ''}" id="comparison">${esc(cmp)}</p>` : '',
    removed.length ? `<p class="note">No longer built: ${esc(removed.map((r) => `${r.example} (${r.board})`).join(', '))}</p>` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function sizesSection(report: BuildReport, options: HtmlOptions): string {
  const unmeasured = report.boards.filter((b) => !b.measured).map((b) => b.board);
  return [
    '<h2>Sizes</h2>',
    sizesTable(report, options),
    unmeasured.length
      ? `<p class="note">No sizes for ${esc(unmeasured.join(', '))}: the board has no size tool, or none of its links produced sizes in this run.</p>`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function chartsSection(report: BuildReport): string {
  const charts = report.boards.map((b) => chart(report, b.board)).filter(Boolean);
  if (!charts.length) return '';
  return `<h2>Flash and RAM per example</h2><p class="legend note"><span style="background:var(--flash)"></span>flash<span style="background:var(--ram)"></span>RAM</p>${charts.join('\n')}`;
}

function skipsSection(report: BuildReport): string {
  const skips = report.skips ?? [];
  if (!skips.length) return '';
  const items = skips.map(
    (s) => `<li><code>${esc(s.example)}</code> on <b>${esc(s.board)}</b>: <span class="muted">${esc(s.reason)}</span></li>`,
  );
  return `<h2 id="skipped">Not built on a board (${skips.length})</h2><ul class="skips">${items.join('')}</ul>`;
}

function failuresSection(report: BuildReport): string {
  if (!report.failures.length) return '';
  const items = report.failures.map(
    (f) =>
      `<li><code>${esc(f.id)}</code> <span class="badge failed">${esc(f.status)}</span>${f.reason?.length ? `<pre>${esc(f.reason.join('\n'))}</pre>` : ''}</li>`,
  );
  return `<h2>Failed tasks (${items.length})</h2><ul>${items.join('')}</ul>`;
}

export function renderHtml(report: BuildReport, options: HtmlOptions = {}): string {
  const sections = [
    cardsSection(report),
    options.top ?? '',
    boardsNotBuiltSection(report),
    comparisonSection(report),
    sizesSection(report, options),
    chartsSection(report),
    options.extra?.html ?? '',
    skipsSection(report),
    failuresSection(report),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nx-fastled build report</title>
<style>${CSS}${options.extra?.css ?? ''}</style>
</head>
<body>
<h1>nx-fastled build report</h1>
<p class="meta">Generated ${esc(report.generatedAt)} for <code>nx ${esc(report.run.argv.join(' '))}</code></p>
${sections.filter(Boolean).join('\n')}
<script>${JS}</script>
</body>
</html>
`;
}
