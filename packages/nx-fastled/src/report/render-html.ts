// report.html: one static page, no network (inline CSS and JS, no fonts, no CDN). A summary, the change
// against the baseline, a sortable table of examples × boards (click a header; `?sort=<key>&dir=asc|desc`,
// flash descending by default), a bar chart of flash and RAM per example and board (inline SVG, each bar
// relative to the board's limit), and the failed tasks with why.
//
// The table's rows are written in example order and sorted by the page's script, so a page that shows them
// by flash has run its script; the chart is plain SVG and needs no script.
import { BuildReport, ReportEntry } from './model';
import { bytes, comparisonText, countsText, measureDelta, OUTCOME_LABEL, pct, secs, summaryLine } from './format';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Sort keys: the `?sort=` values, the headers' `data-key`s and the rows' `data-<key>` attributes. */
export const SORT_KEYS = ['example', 'board', 'flash', 'flashpct', 'ram', 'rampct', 'dflash', 'dram', 'link', 'compile', 'time'] as const;

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
tr.regression td:first-child{box-shadow:inset 3px 0 0 var(--bad)}
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
// always sort last; ties fall back to example, then board.
const JS = `
(function(){
  var table=document.getElementById('sizes');
  if(!table||!table.tBodies.length)return;
  var body=table.tBodies[0],heads=[].slice.call(table.tHead.rows[0].cells);
  function head(key){for(var i=0;i<heads.length;i++)if(heads[i].getAttribute('data-key')===key)return heads[i];return null;}
  function value(row,key,num){var v=row.getAttribute('data-'+key);if(v===null||v==='')return null;return num?parseFloat(v):v;}
  function tie(a,b){return value(a,'example').localeCompare(value(b,'example'))||value(a,'board').localeCompare(value(b,'board'));}
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
  var q=new URLSearchParams(location.search),key=q.get('sort')||'flash';
  if(!head(key))key='flash';
  var dir=q.get('dir');if(dir!=='asc'&&dir!=='desc')dir=defaultDir(key);
  sort(key,dir);
})();
`;

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

function row(e: ReportEntry, threshold: number): string {
  const s = e.size;
  const missing = s ? '' : `<span class="muted">${e.link.outcome === 'failed' || e.link.outcome === 'skipped' ? esc(e.link.outcome) : '—'}</span>`;
  const attrs: Record<(typeof SORT_KEYS)[number], string> = {
    example: e.example,
    board: e.board,
    flash: numAttr(s?.flash),
    flashpct: numAttr(s?.flashPct),
    ram: numAttr(s?.ram),
    rampct: numAttr(s?.ramPct),
    dflash: numAttr(e.change?.flash),
    dram: numAttr(e.change?.ram),
    link: OUTCOME_LABEL[e.link.outcome],
    compile: numAttr(e.compile.seconds),
    time: numAttr(e.link.seconds),
  };
  const cls = e.change?.regression ? ' class="regression"' : '';
  const data = SORT_KEYS.map((k) => ` data-${k}="${esc(attrs[k])}"`).join('');
  const cells = [
    `<td>${esc(e.example)}${e.added ? ' <span class="badge">new</span>' : ''}</td>`,
    `<td>${esc(e.board)}</td>`,
    `<td class="n">${s ? esc(bytes(s.flash)) : missing}</td>`,
    `<td class="n">${esc(pct(s?.flashPct))}</td>`,
    `<td class="n">${s ? esc(bytes(s.ram)) : missing}</td>`,
    `<td class="n">${esc(pct(s?.ramPct))}</td>`,
    `<td class="n">${deltaHtml(e, 'flash', threshold)}</td>`,
    `<td class="n">${deltaHtml(e, 'ram', threshold)}</td>`,
    `<td><span class="badge ${e.link.outcome}">${esc(OUTCOME_LABEL[e.link.outcome])}</span></td>`,
    `<td title="${esc(e.compile.tasks.join('\n'))}">${esc(e.compile.tasks.length ? countsText(e.compile.counts) : '—')}${e.compile.seconds ? ` <span class="muted">${esc(secs(e.compile.seconds))}</span>` : ''}</td>`,
    `<td class="n">${esc(secs(e.link.seconds))}</td>`,
  ];
  return `<tr${cls}${data}>${cells.join('')}</tr>`;
}

function table(report: BuildReport): string {
  const threshold = report.comparison?.thresholdBytes ?? 0;
  const heads: [(typeof SORT_KEYS)[number], string, 'num' | 'text', string][] = [
    ['example', 'Example', 'text', ''],
    ['board', 'Board', 'text', ''],
    ['flash', 'Flash', 'num', 'n'],
    ['flashpct', 'Flash %', 'num', 'n'],
    ['ram', 'RAM', 'num', 'n'],
    ['rampct', 'RAM %', 'num', 'n'],
    ['dflash', 'Δ flash', 'num', 'n'],
    ['dram', 'Δ RAM', 'num', 'n'],
    ['link', 'Link', 'text', ''],
    ['compile', 'Compile', 'num', ''],
    ['time', 'Link time', 'num', 'n'],
  ];
  const th = heads.map(([k, label, type, cls]) => `<th data-key="${k}" data-type="${type}"${cls ? ` class="${cls}"` : ''} title="Sort by ${esc(label)}">${esc(label)}</th>`);
  return `<table id="sizes"><thead><tr>${th.join('')}</tr></thead><tbody>\n${report.entries.map((e) => row(e, threshold)).join('\n')}\n</tbody></table>`;
}

const LABEL_W = 270;
const BAR_W = 560;
const ROW_H = 30;

function chart(report: BuildReport, board: string): string {
  const threshold = report.comparison?.thresholdBytes ?? 0;
  const b = report.boards.find((x) => x.board === board)!;
  const entries = report.entries.filter((e) => e.board === board && e.size).sort((x, y) => y.size!.flash - x.size!.flash || (x.example < y.example ? -1 : 1));
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

/** `extra`: more sections, before the failures (the filmstrips of filmstrip.ts, with their CSS). */
export function renderHtml(report: BuildReport, extra: { html: string; css: string } = { html: '', css: '' }): string {
  const s = report.summary;
  const c = s.counts;
  const card = (value: string | number, label: string, bad = false) => `<div class="card${bad ? ' bad' : ''}"><b>${esc(String(value))}</b><span>${esc(label)}</span></div>`;
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
  const cmp = comparisonText(report);
  const removed = report.comparison?.removed ?? [];
  const unmeasured = report.boards.filter((b) => !b.measured).map((b) => b.board);
  const charts = report.boards.map((b) => chart(report, b.board)).filter(Boolean);
  const failures = report.failures.map(
    (f) => `<li><code>${esc(f.id)}</code> <span class="badge failed">${esc(f.status)}</span>${f.reason?.length ? `<pre>${esc(f.reason.join('\n'))}</pre>` : ''}</li>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nx-fastled build report</title>
<style>${CSS}${extra.css}</style>
</head>
<body>
<h1>nx-fastled build report</h1>
<p class="meta">Generated ${esc(report.generatedAt)} for <code>nx ${esc(report.run.argv.join(' '))}</code></p>
<div class="cards">${cards.join('')}</div>
<p class="note">${esc(summaryLine(report))}</p>
${cmp ? `<p class="note${report.comparison?.regressions ? ' regress' : ''}" id="comparison">${esc(cmp)}</p>` : ''}
${removed.length ? `<p class="note">No longer built: ${esc(removed.map((r) => `${r.example} (${r.board})`).join(', '))}</p>` : ''}
<h2>Sizes</h2>
${report.entries.length ? table(report) : '<p class="note">No example was linked in this run.</p>'}
${unmeasured.length ? `<p class="note">No sizes for ${esc(unmeasured.join(', '))}: the board has no size tool, or none of its links produced sizes in this run.</p>` : ''}
${charts.length ? `<h2>Flash and RAM per example</h2><p class="legend note"><span style="background:var(--flash)"></span>flash<span style="background:var(--ram)"></span>RAM</p>${charts.join('\n')}` : ''}
${extra.html}
${failures.length ? `<h2>Failed tasks (${failures.length})</h2><ul>${failures.join('')}</ul>` : ''}
<script>${JS}</script>
</body>
</html>
`;
}
