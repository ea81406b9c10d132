// A pull request's output changes: per example and board, whether what its LEDs showed or what it printed
// changed against the base commit (sim/output-diff.ts), from the frames files the `test` target wrote on each
// side; and the report section that shows both filmstrips side by side (base | head). Domain code: no Nx imports.
//
// In sizes.json (`outputs`):
//   { "testTarget": "test", "compared": 5, "unchanged": 3,
//     "changed": [ { "example": "simdiff/Colour", "board": "uno", "root": "...", "text": "LED frames: ...",
//                    "diff": <OutputDiff>, "base": "<frames file>", "head": "<frames file>" } ],
//     "notCompared": [ { "example": "sizes/Breaks", "board": "uno", "why": "no frames on the head (...)" } ] }
// A frames file counts only when its test task was part of that side's run (a file an older run left on disk
// says nothing about this commit).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FramesFile, parseFrames } from '../sim/frames-file';
import { diffOutputs, describeOutputDiff, OutputDiff, serialLines } from '../sim/output-diff';
import { stepId } from '../plan/build-plan';
import { filmstripPng } from './filmstrip';
import { entryKey, outcomeOf, ReportEntry, RunTask } from './model';

export interface OutputChange {
  example: string;
  board: string;
  root?: string;
  /** In words (describeOutputDiff), for the PR comment and the terminal. */
  text: string;
  diff: OutputDiff;
  /** Workspace-relative frames files of each side. */
  base: string;
  head: string;
}

export interface OutputComparison {
  testTarget: string;
  /** Entries with a frames file on both sides. */
  compared: number;
  unchanged: number;
  changed: OutputChange[];
  /** Entries of either side without a frames file on the other, and why. */
  notCompared: { example: string; board: string; why: string }[];
}

export interface SideOutputs {
  /** By entryKey: the frames file (workspace-relative) and its contents. */
  files: Map<string, { file: string; frames: FramesFile; task?: RunTask }>;
}

/** The test project of an entry, as the plugin names it (plugin/test-targets.ts). */
export function testProjectOf(e: { example: string; library: string; board: string }): string {
  return stepId(`test/${e.board}/${e.library}/examples/${e.example.slice(e.library.length + 1)}`);
}

/** The frames files of one side's entries: `<outputDir>/<board>/<lib>/examples/<path>/<Name>.frames.json`, for the
 *  entries whose `testTarget` task is in `tasks` (all found files when `tasks` is undefined). */
export function readSideOutputs(
  root: string,
  outputDir: string,
  entries: ReportEntry[],
  testTarget: string,
  tasks: RunTask[] | undefined,
): SideOutputs {
  const byProject = new Map((tasks ?? []).filter((t) => t.target === testTarget).map((t) => [t.project, t]));
  const files: SideOutputs['files'] = new Map();
  for (const e of entries) {
    const task = byProject.get(testProjectOf(e));
    if (tasks && (!task || outcomeOf(task.status) === 'skipped')) continue;
    const rel = e.example.slice(e.library.length + 1);
    const file = path.posix.join(outputDir, e.board, e.library, 'examples', rel, `${rel.split('/').pop()}.frames.json`);
    const abs = path.join(root, file);
    if (!fs.existsSync(abs)) continue;
    try {
      files.set(entryKey(e), { file, frames: parseFrames(fs.readFileSync(abs, 'utf8'), file), ...(task ? { task } : {}) });
    } catch {
      // An unreadable frames file is as good as none: the entry is listed as not compared.
    }
  }
  return { files };
}

export function compareOutputs(
  testTarget: string,
  headEntries: ReportEntry[],
  baseEntries: ReportEntry[],
  head: SideOutputs,
  base: SideOutputs,
): OutputComparison {
  const out: OutputComparison = { testTarget, compared: 0, unchanged: 0, changed: [], notCompared: [] };
  const baseKeys = new Set(baseEntries.map(entryKey));
  for (const e of headEntries) {
    const k = entryKey(e);
    const [h, b] = [head.files.get(k), base.files.get(k)];
    if (!h || !b) {
      if (!h && !b) continue; // not tested on either side (a board without tests, a skipped example)
      const why = !h
        ? `no frames on the head (${e.link.outcome === 'failed' || e.compile.counts.failed ? 'it did not build' : `its ${testTarget} did not run`})`
        : baseKeys.has(k)
          ? `no frames on the base (its ${testTarget} did not run there)`
          : 'new in this pull request';
      out.notCompared.push({ example: e.example, board: e.board, why });
      continue;
    }
    out.compared++;
    const diff = diffOutputs(b.frames, h.frames);
    if (!diff) out.unchanged++;
    else
      out.changed.push({
        example: e.example,
        board: e.board,
        ...(e.root ? { root: e.root } : {}),
        text: describeOutputDiff(diff),
        diff,
        base: b.file,
        head: h.file,
      });
  }
  return out;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const OUTPUT_CHANGES_CSS = `
.pair{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:0 0 18px;background:var(--alt)}
.pair h3{font-size:14px;margin:0 0 4px}.pair .what{font-size:12px;margin:0 0 8px;color:var(--bad);white-space:normal}
.sides{display:flex;gap:18px;align-items:flex-start}.side{flex:0 1 520px;min-width:0}
.side h4{font-size:12px;margin:0 0 4px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.side img{display:block;image-rendering:pixelated;background:#000;border:1px solid #333;max-width:500px}
.side .axis{font-size:11px;color:var(--muted);margin:2px 0 6px}
.side ol{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#fff;border:1px solid var(--line);margin:4px 0;padding:4px 4px 4px 40px;max-height:200px;overflow:auto}
.side li.diff{background:#fde7e7}
`;

function side(label: string, f: FramesFile, other: FramesFile): string {
  const images = f.strips.map((strip) => {
    const png = filmstripPng(strip, f.ranMs).toString('base64');
    const shows = strip.frames.reduce((n, fr) => n + (fr[2] ?? 1), 0);
    const text = `${strip.leds} LEDs on ${strip.pin}, ${strip.frames.length} distinct frames, ${shows} show()s`;
    return `<p class="axis">${esc(text)}</p><img alt="${esc(`${label}: ${text}`)}" src="data:image/png;base64,${png}">`;
  });
  const mine = serialLines(f);
  const theirs = serialLines(other);
  const shown = mine.slice(0, 200);
  const lines = shown.map((l, i) => `<li${l !== theirs[i] ? ' class="diff"' : ''}>${esc(l) || '&nbsp;'}</li>`).join('');
  const verdict = f.ok ? 'ran' : `FAILED: ${f.failure?.message ?? 'unknown'}`;
  return (
    `<div class="side" data-side="${label}"><h4>${label}</h4><p class="axis">${esc(verdict)}</p>` +
    (images.length ? images.join('') : '<p class="axis">no LED frames</p>') +
    `<p class="axis">serial output, ${mine.length} line${mine.length === 1 ? '' : 's'}${mine.length > shown.length ? ` (first ${shown.length})` : ''}</p>` +
    (shown.length ? `<ol>${lines}</ol>` : '') +
    `</div>`
  );
}

/** The report section: per changed example, base | head filmstrips and serial output ('' when nothing changed). */
export function renderOutputChanges(cmp: OutputComparison, base: SideOutputs, head: SideOutputs): string {
  const note = `${cmp.compared} compared, ${cmp.changed.length} changed${cmp.notCompared.length ? `, ${cmp.notCompared.length} not compared` : ''}`;
  const pairs = cmp.changed.map((c) => {
    const k = entryKey(c);
    const [b, h] = [base.files.get(k)!.frames, head.files.get(k)!.frames];
    return (
      `<section class="pair" data-example="${esc(c.example)}" data-board="${esc(c.board)}"><h3>${esc(c.example)} <span class="badge">${esc(c.board)}</span></h3>` +
      `<p class="what">${esc(c.text)}</p><div class="sides">${side('base', b, h)}${side('head', h, b)}</div></section>`
    );
  });
  const missing = cmp.notCompared.length
    ? `<details><summary>Not compared (${cmp.notCompared.length})</summary><ul>${cmp.notCompared
        .map((n) => `<li>${esc(n.example)} on ${esc(n.board)}: ${esc(n.why)}</li>`)
        .join('')}</ul></details>`
    : '';
  return (
    `<h2 id="output-changes">LED and serial output against the base</h2><p class="note">From the <code>${esc(cmp.testTarget)}</code> target's frames files on both sides: ${esc(note)}. ` +
    `Filmstrips: LEDs across, time down; serial lines that differ are marked.</p>` +
    (pairs.length ? pairs.join('\n') : '<p>No example changed what its LEDs showed or what it printed.</p>') +
    missing
  );
}
