// The report's "what ran and why" section: per example, the run's task graph drawn left to right (the
// example's build, its link per board, the sketch TUs and archives the link reads, the TUs of each archive),
// each task coloured by what happened (ran, failed, local cache hit, remote cache hit, not run) and every task
// that ran labelled with its first reason (why/inputs.ts). Inline SVG, no script, no network.
//
// Archives can have dozens of TUs: those that ran or failed are drawn one by one; the hits of an archive are
// one node ("25 TUs from the cache"). Examples whose tasks all came from the cache are listed in one line
// and drawn inside a closed <details>, so the page opens on what changed. Examples no board of the run builds
// (their filters exclude every board: their only task is the no-op build) are neither: they are listed apart
// as "not built", each with createNodes' reason per board, and left out of the run's counts.
//
// A whole library (FastLED: 31 examples on uno, one archive every link reads) would repeat one graph per
// example, so the section opens on one overview of the run: links grouped by what happened to them (state and
// first reason), each archive once with the TUs that ran, the sketch TUs that ran, every group of cache hits
// as one node. The per-example graphs follow, folded when more than a few examples ran something.
import { Reason, REASON_LABEL } from './inputs';

export type TaskState = 'ran' | 'failed' | 'local-hit' | 'remote-hit' | 'not-run';

export interface GraphTask {
  id: string;
  /** Short label: the TU path, `libfoo.a`, the board. */
  label: string;
  kind: 'build' | 'link' | 'archive' | 'compile' | 'other';
  state: TaskState;
  reasons?: Reason[];
  /** Task ids it depends on (within the example's graph). */
  deps: string[];
}

export interface ExampleGraph {
  example: string;
  /** The example's build task id: the root of its graph. */
  root: string;
  tasks: Record<string, GraphTask>;
  /** Boards of the run that do not build the example, with createNodes' note (`skipped: <filter line>`, ...). */
  notBuilt?: Record<string, string>;
}

/** No link below the build: no board of the run builds the example. */
export function builtNowhere(g: ExampleGraph): boolean {
  return !Object.values(g.tasks).some((t) => t.kind === 'link');
}

function notBuiltText(g: ExampleGraph): string {
  const notes = Object.entries(g.notBuilt ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return notes.length ? notes.map(([board, note]) => `${board}: ${note}`).join('; ') : 'no board of this run builds it';
}

/** Nx task status -> how the graph shows it. */
export function taskState(status: string | undefined): TaskState {
  if (status === 'success') return 'ran';
  if (status === 'failure') return 'failed';
  if (status === 'remote-cache') return 'remote-hit';
  if (status?.startsWith('local-cache')) return 'local-hit';
  return 'not-run';
}

const STATE_LABEL: Record<TaskState, string> = {
  ran: 'ran',
  failed: 'failed',
  'local-hit': 'local cache hit',
  'remote-hit': 'remote cache hit',
  'not-run': 'not run',
};

export const GRAPH_CSS = `
.why-legend span{display:inline-block;width:12px;height:12px;border-radius:3px;margin:0 4px 0 14px;vertical-align:middle;border:1px solid #0002}
.why-legend .ran,svg .ran rect{fill:#cfe0ff;background:#cfe0ff;stroke:#2f6fdd}
.why-legend .failed,svg .failed rect{fill:#fbd0d0;background:#fbd0d0;stroke:#c62828}
.why-legend .local-hit,svg .local-hit rect{fill:#d8f0dc;background:#d8f0dc;stroke:#2e7d32}
.why-legend .remote-hit,svg .remote-hit rect{fill:#c9eeee;background:#c9eeee;stroke:#00838f}
.why-legend .not-run,svg .not-run rect{fill:#eeeeee;background:#eeeeee;stroke:#9e9e9e}
svg.why rect{stroke-width:1.2}svg.why text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1d2430}
svg.why text.r{font-size:11.5px;fill:#3c4656}svg.why path.e{fill:none;stroke:#8a94a6;stroke-width:1.2}
.why-example{margin:0 0 22px}.why-example h3{font-size:15px;margin:14px 0 6px}.why-reasons{margin:4px 0 10px;padding-left:18px}
.why-reasons li{margin:1px 0}.why-reasons code{background:#f6f8fb;padding:0 3px;border-radius:3px}
`;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const COL_W = 300;
const NODE_W = 270;
const NODE_H = 40;
const GAP = 8;
// 13px system-ui: about 7.3 px a character on 254 px of box (38 overflowed by a few pixels on FastLED paths).
const CHARS = 35;

function fit(text: string, chars = CHARS): string {
  return text.length <= chars ? text : `…${text.slice(text.length - chars + 1)}`;
}

/** The few words a node has room for. */
const SHORT: Record<Reason['kind'], string> = {
  source: 'source',
  header: 'header',
  file: 'file',
  flag: 'flags',
  toolchain: 'toolchain',
  tool: 'task code',
  dependency: 'input',
  config: 'config',
  new: 'first run recorded',
  'not-cached': 'not in the cache',
};

function shortReason(r: Reason, more: number): string {
  const tail = more ? ` (+${more})` : '';
  if (r.kind === 'new' || r.kind === 'not-cached') return SHORT[r.kind];
  const room = 40 - SHORT[r.kind].length - tail.length;
  return `${SHORT[r.kind]}: ${fit(r.subject, room)}${tail}`;
}

export function reasonText(r: Reason): string {
  return r.kind === 'new' || r.kind === 'not-cached' ? REASON_LABEL[r.kind] : `${REASON_LABEL[r.kind]}: ${r.subject}`;
}

interface Node {
  key: string;
  col: number;
  label: string;
  sub: string;
  state: TaskState;
  title: string;
  parents: string[];
}

/** The example's graph as columns: hits under an archive collapse into one node. */
function layout(g: ExampleGraph): Node[] {
  const nodes = new Map<string, Node>();
  const col = (t: GraphTask): number => (t.kind === 'build' ? 0 : t.kind === 'link' ? 1 : t.kind === 'archive' ? 2 : 2);
  const visit = (id: string, parent: string | undefined, depth: number) => {
    const t = g.tasks[id];
    if (!t) return;
    // A compile under an archive sits one column right of it; under a link, beside the archives.
    const c = parent && g.tasks[parent]?.kind === 'archive' ? 3 : col(t);
    const existing = nodes.get(id);
    if (existing) {
      if (parent && !existing.parents.includes(parent)) existing.parents.push(parent);
      return;
    }
    nodes.set(id, { key: id, ...taskNode(t, c), parents: parent ? [parent] : [] });
    if (t.kind === 'archive') {
      const { ran, hits } = archiveTus(t, (d) => g.tasks[d]);
      for (const r of ran) visit(r.id, id, depth + 1);
      for (const [state, ids] of hits) {
        const key = `${id} ${state}`;
        nodes.set(key, { key, ...tuHitsNode(t, state, ids, ran.length > 0, 3), parents: [id] });
      }
    } else {
      for (const d of t.deps) visit(d, id, depth + 1);
    }
  };
  visit(g.root, undefined, 0);
  return [...nodes.values()];
}

function svg(g: ExampleGraph): string {
  return draw(layout(g), `task graph of ${g.example}`);
}

function draw(nodes: Node[], title: string): string {
  const rows = [0, 0, 0, 0];
  const pos = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    pos.set(n.key, { x: 6 + n.col * COL_W, y: 6 + rows[n.col] * (NODE_H + GAP) });
    rows[n.col]++;
  }
  const cols = Math.max(...nodes.map((n) => n.col)) + 1;
  const width = 12 + (cols - 1) * COL_W + NODE_W;
  const height = 12 + Math.max(...rows) * (NODE_H + GAP) - GAP;
  const edges: string[] = [];
  for (const n of nodes) {
    const to = pos.get(n.key)!;
    for (const p of n.parents) {
      const from = pos.get(p);
      if (!from) continue;
      const x1 = from.x + NODE_W;
      const y1 = from.y + NODE_H / 2;
      const x2 = to.x;
      const y2 = to.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      edges.push(`<path class="e" d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}"/>`);
    }
  }
  const boxes = nodes.map((n) => {
    const { x, y } = pos.get(n.key)!;
    return (
      `<g class="${n.state}"><title>${esc(n.title)}</title><rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="5"/>` +
      `<text x="${x + 8}" y="${y + 16}">${esc(fit(n.label))}</text><text class="r" x="${x + 8}" y="${y + 32}">${esc(fit(n.sub, 42))}</text></g>`
    );
  });
  return `<svg class="why" role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${edges.join('')}${boxes.join('')}</svg>`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The whole run in one drawing: links grouped by state and first reason (column 0), each archive once and the
 * sketch TUs (column 1), the TUs of each archive (column 2); tasks that ran are drawn one by one except links,
 * cache hits as one node per group.
 */
function overviewNodes(graphs: ExampleGraph[]): Node[] {
  const tasks = uniqueTasks(graphs);
  const nodes = new Map<string, Node>();
  const add = (key: string, make: () => Omit<Node, 'key' | 'parents'>, parent?: string) => {
    const n = nodes.get(key) ?? nodes.set(key, { key, parents: [], ...make() }).get(key)!;
    if (parent && !n.parents.includes(parent)) n.parents.push(parent);
    return n;
  };
  const links = [...tasks.values()].filter((t) => t.kind === 'link').sort((a, b) => (a.id < b.id ? -1 : 1));
  const groups = new Map<string, GraphTask[]>();
  for (const l of links) {
    const first = l.reasons?.[0];
    const key = `links ${l.state} ${first ? reasonText(first) : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const addArchiveTus = (a: GraphTask) => {
    const { ran, hits } = archiveTus(a, (d) => tasks.get(d));
    for (const t of ran) add(t.id, () => taskNode(t, 2), a.id);
    for (const [state, ids] of hits) add(`${a.id} ${state}`, () => tuHitsNode(a, state, ids, ran.length > 0, 2), a.id);
  };
  for (const [key, group] of groups) {
    const first = group[0];
    add(key, () => ({
      col: 0,
      label:
        group.length === 1
          ? first.label
          : `${plural(group.length, 'link')} (${[...new Set(group.map((l) => /for (\S+)$/.exec(l.label)?.[1] ?? '?'))].join(', ')})`,
      sub: first.reasons?.[0] ? shortReason(first.reasons[0], first.reasons.length - 1) : STATE_LABEL[first.state],
      state: first.state,
      title: `${group.map((l) => l.id).join('\n')}${first.reasons?.length ? `\n${first.reasons.map(reasonText).join('\n')}` : ''}`,
    }));
    const sketchHits = new Map<TaskState, string[]>();
    for (const l of group) {
      for (const d of l.deps) {
        const t = tasks.get(d);
        if (!t) continue;
        if (t.kind === 'archive') {
          const isNew = !nodes.has(t.id);
          add(t.id, () => taskNode(t, 1), key);
          if (isNew) addArchiveTus(t);
        } else if (ranOrFailed(t)) add(t.id, () => taskNode(t, 1), key);
        else sketchHits.set(t.state, [...(sketchHits.get(t.state) ?? []), d]);
      }
    }
    for (const [state, ids] of sketchHits)
      add(
        `${key} sketch ${state}`,
        () => ({ col: 1, label: plural(ids.length, 'sketch TU'), sub: STATE_LABEL[state], state, title: ids.join('\n') }),
        key,
      );
  }
  return [...nodes.values()].sort((a, b) => a.col - b.col || rank(a) - rank(b) || (a.label < b.label ? -1 : 1));
}

const ranOrFailed = (t: GraphTask) => t.state === 'ran' || t.state === 'failed';

/** The run's tasks, once each: examples share their board's archives and core. */
function uniqueTasks(graphs: ExampleGraph[]): Map<string, GraphTask> {
  const tasks = new Map<string, GraphTask>();
  for (const g of graphs) for (const t of Object.values(g.tasks)) tasks.set(t.id, t);
  return tasks;
}

/** An archive's TUs: those that ran or failed, in order, and the ids of the others by state. */
function archiveTus(
  archive: GraphTask,
  lookup: (id: string) => GraphTask | undefined,
): { ran: GraphTask[]; hits: Map<TaskState, string[]> } {
  const ran: GraphTask[] = [];
  const hits = new Map<TaskState, string[]>();
  for (const d of archive.deps) {
    const t = lookup(d);
    if (!t) continue;
    if (ranOrFailed(t)) ran.push(t);
    else hits.set(t.state, [...(hits.get(t.state) ?? []), d]);
  }
  return { ran, hits };
}

/** One node for an archive's TUs of one state ("25 more TUs of libfastled.a", from the cache). */
function tuHitsNode(archive: GraphTask, state: TaskState, ids: string[], more: boolean, col: number): Omit<Node, 'key' | 'parents'> {
  return {
    col,
    label: `${ids.length}${more ? ' more' : ''} TU${ids.length === 1 ? '' : 's'} of ${archive.label.replace(/^[^:]*: /, '')}`,
    sub: STATE_LABEL[state],
    state,
    title: ids.join('\n'),
  };
}

/** Within a column: what ran first, then failures, then hits. */
function rank(n: Node): number {
  return ['failed', 'ran', 'remote-hit', 'local-hit', 'not-run'].indexOf(n.state);
}

function taskNode(t: GraphTask, col: number): Omit<Node, 'key' | 'parents'> {
  const first = t.reasons?.[0];
  return {
    col,
    label: t.label,
    sub: first ? shortReason(first, t.reasons!.length - 1) : STATE_LABEL[t.state],
    state: t.state,
    title: `${t.id}: ${STATE_LABEL[t.state]}${t.reasons?.length ? `\n${t.reasons.map(reasonText).join('\n')}` : ''}`,
  };
}

function counts(tasks: Iterable<GraphTask>): Record<TaskState, number> {
  const c: Record<TaskState, number> = { ran: 0, failed: 0, 'local-hit': 0, 'remote-hit': 0, 'not-run': 0 };
  for (const t of tasks) c[t.state]++;
  return c;
}

function countText(c: Record<TaskState, number>): string {
  return (Object.keys(c) as TaskState[])
    .filter((s) => c[s])
    .map((s) => `${c[s]} ${STATE_LABEL[s]}`)
    .join(', ');
}

/** The tasks that ran in one example's graph with every reason, as a list under the drawing. */
function reasonList(g: ExampleGraph): string {
  const ran = Object.values(g.tasks)
    .filter((t) => (t.state === 'ran' || t.state === 'failed') && t.reasons?.length)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (!ran.length) return '';
  const items = ran.map((t) => `<li><code>${esc(t.id)}</code>: ${t.reasons!.map((r) => esc(reasonText(r))).join('; ')}</li>`);
  return `<ul class="why-reasons">${items.join('')}</ul>`;
}

export function renderWhySection(graphs: ExampleGraph[]): string {
  if (!graphs.length) return '';
  // The examples the run built; those it built nowhere are listed apart at the end.
  const everyExample = [...graphs].sort((a, b) => (a.example < b.example ? -1 : 1));
  const notBuilt = everyExample.filter(builtNowhere);
  const sorted = everyExample.filter((g) => !builtNowhere(g));
  const changed = sorted.filter((g) => Object.values(g.tasks).some(ranOrFailed));
  const cached = sorted.filter((g) => !changed.includes(g));
  const legend = `<p class="why-legend">${(Object.keys(STATE_LABEL) as TaskState[])
    .map((s) => `<span class="${s}"></span>${STATE_LABEL[s]}`)
    .join('')}</p>`;
  const skips = (g: ExampleGraph) => (g.notBuilt ? `<p class="muted">Not built for ${esc(notBuiltText(g))}</p>` : '');
  const figure = (g: ExampleGraph) =>
    `<div class="why-example" id="why-${esc(g.example)}"><h3>${esc(g.example)} <span class="muted">(${esc(countText(counts(Object.values(g.tasks))))})</span></h3>${skips(g)}${svg(g)}${reasonList(g)}</div>`;
  const total = counts(uniqueTasks(sorted).values());
  const overview =
    sorted.length > 1
      ? `<div class="why-example" id="why-overview"><h3>The whole run: ${plural(sorted.length, 'example')} built${
          notBuilt.length ? `, ${notBuilt.length} not built` : ''
        } <span class="muted">(${esc(countText(total))})</span></h3>${draw(overviewNodes(sorted), 'task graph of the whole run')}</div>`
      : '';
  // The overview already says what a long list of per-example graphs would repeat.
  const folded = changed.length > 3;
  const parts = [
    `<h2 id="why">What ran and why</h2>`,
    legend,
    overview,
    folded
      ? `<details><summary>${changed.length} examples with tasks that ran, one graph each</summary>${changed.map(figure).join('')}</details>`
      : changed.map(figure).join(''),
    cached.length
      ? `<details><summary>${plural(cached.length, 'example')} entirely from the cache: ${esc(
          cached.map((g) => g.example).join(', '),
        )}</summary>${cached.map(figure).join('')}</details>`
      : '',
    notBuilt.length
      ? `<details id="why-not-built"><summary>${plural(notBuilt.length, 'example')} not built (no board of this run builds ${
          notBuilt.length === 1 ? 'it' : 'them'
        })${
          // FastLED on uno: 80 of them; the names are in the list.
          notBuilt.length <= 10 ? `: ${esc(notBuilt.map((g) => g.example).join(', '))}` : ''
        }</summary><ul class="why-reasons">${notBuilt
          .map((g) => `<li><code>${esc(g.example)}</code>: ${esc(notBuiltText(g))}</li>`)
          .join('')}</ul></details>`
      : '',
  ];
  return parts.join('\n');
}
