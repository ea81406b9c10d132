// "What the LEDs showed": a filmstrip per example and board in the HTML report, from the `<Name>.frames.json`
// files the `test` target writes (sim/frames-file.ts), with the run's verdict and serial output.
//
// A filmstrip is a PNG (inline data URI, no network): LEDs across, time down. With simulated times (AVR,
// the native core) each row is a fixed slice of time and shows the last frame sent by then, so pauses look
// like pauses; without times (FastLED's stub, whose clock is the wall clock) each row is one distinct
// picture. Rows are capped so a long run stays a reasonable image.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FramesFile, FramesStrip, parseFrames } from '../sim/frames-file';
import type { RunTask } from './model';

export interface Filmstrip {
  /** Workspace-relative frames file. */
  file: string;
  /** `<lib>/<example path>` and board, read from the file's place under the output folder. */
  example: string;
  board: string;
  frames: FramesFile;
}

const MAX_ROWS = 240;
const ROW_PX = 2;

/** Frames files of this run: the test tasks' outputs, plus any next to the links the report lists. */
export function findFilmstrips(workspaceRoot: string, outputDir: string, tasks: RunTask[], linkDirs: string[]): Filmstrip[] {
  const files = new Set<string>();
  for (const t of tasks) for (const o of t.outputs ?? []) if (o.endsWith('.frames.json')) files.add(o);
  for (const dir of linkDirs) {
    const abs = path.join(workspaceRoot, dir);
    if (!fs.existsSync(abs)) continue;
    for (const n of fs.readdirSync(abs)) if (n.endsWith('.frames.json')) files.add(path.posix.join(dir, n));
  }
  const out: Filmstrip[] = [];
  for (const file of [...files].sort()) {
    const abs = path.join(workspaceRoot, file);
    if (!fs.existsSync(abs)) continue;
    let frames: FramesFile;
    try {
      frames = parseFrames(fs.readFileSync(abs, 'utf8'), file);
    } catch {
      continue;
    }
    // <outputDir>/<board>/<lib>/examples/<path>/<Name>.frames.json
    const rel = path.posix.relative(outputDir, path.posix.dirname(file)).split('/');
    const [board, lib, , ...example] = rel;
    out.push({ file, board: board ?? frames.board, example: `${lib}/${example.join('/')}`, frames });
  }
  return out.sort((a, b) => a.example.localeCompare(b.example) || a.board.localeCompare(b.board));
}

/** Rows of a filmstrip: each row is one frame entry's pixels (hex). */
export function filmstripRows(strip: FramesStrip, endMs: number | null): string[] {
  const timed = strip.frames.length > 0 && strip.frames.every((f) => f[0] !== null);
  if (!timed) return strip.frames.slice(0, MAX_ROWS).map((f) => f[1]);
  const start = strip.frames[0][0] as number;
  const end = Math.max(endMs ?? 0, strip.frames[strip.frames.length - 1][0] as number);
  const step = Math.max(1, (end - start) / MAX_ROWS);
  const rows: string[] = [];
  let i = 0;
  for (let t = start; t <= end && rows.length < MAX_ROWS; t += step) {
    while (i + 1 < strip.frames.length && (strip.frames[i + 1][0] as number) <= t) i++;
    rows.push(strip.frames[i][1]);
  }
  return rows;
}

export function filmstripPng(strip: FramesStrip, endMs: number | null): Buffer {
  const rows = filmstripRows(strip, endMs);
  const leds = Math.max(1, strip.leds);
  const cell = Math.max(2, Math.min(16, Math.floor(480 / leds)));
  // Loaded on demand: the report must still be written where pngjs is not installed (no filmstrips then).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- on demand, as said above
  const { PNG } = require('pngjs') as typeof import('pngjs');
  const png = new PNG({ width: leds * cell, height: Math.max(1, rows.length) * ROW_PX });
  png.data.fill(0);
  rows.forEach((hex, r) => {
    for (let led = 0; led < leds; led++) {
      const rgb = [0, 1, 2].map((k) => parseInt(hex.slice(led * 6 + k * 2, led * 6 + k * 2 + 2) || '0', 16));
      for (let y = r * ROW_PX; y < (r + 1) * ROW_PX; y++) {
        // A one-pixel dark seam between LEDs keeps neighbours of the same colour apart.
        for (let x = led * cell; x < (led + 1) * cell; x++) {
          const o = (y * png.width + x) * 4;
          const seam = cell > 3 && x === (led + 1) * cell - 1;
          png.data[o] = seam ? 24 : rgb[0];
          png.data[o + 1] = seam ? 24 : rgb[1];
          png.data[o + 2] = seam ? 24 : rgb[2];
          png.data[o + 3] = 255;
        }
      }
    }
  });
  return PNG.sync.write(png, { colorType: 6 });
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const FILMSTRIP_CSS = `
.films{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.film{border:1px solid var(--line);border-radius:6px;padding:8px 10px;background:var(--alt);max-width:520px}
.film h3{font-size:14px;margin:0 0 4px}.film .v{font-size:12px;margin:0 0 6px;color:var(--muted)}
.film .v.bad{color:var(--bad);white-space:normal}
.film img{display:block;image-rendering:pixelated;background:#000;border:1px solid #333;max-width:500px}
.film .axis{font-size:11px;color:var(--muted);margin:2px 0 6px}
.film details pre{background:#fff;border:1px solid var(--line);max-height:180px;white-space:pre-wrap;color:var(--fg)}
`;

/** The report's "What the LEDs showed" section ('' when there is nothing to show). */
export function renderFilmstrips(strips: Filmstrip[]): string {
  if (!strips.length) return '';
  const figures = strips.map((s) => {
    const f = s.frames;
    const verdict = f.ok
      ? `ran ${f.ranMs !== null ? `${f.ranMs} ms simulated` : `on the host (${f.settings.loops} loop()s)`}`
      : `FAILED: ${f.failure?.message ?? 'unknown'}`;
    const images = f.strips.map((strip) => {
      const shows = strip.frames.reduce((n, fr) => n + (fr[2] ?? 1), 0);
      const first = strip.frames[0]?.[0];
      const png = filmstripPng(strip, f.ranMs).toString('base64');
      const label = `${strip.leds} LEDs on ${strip.pin} (${strip.chipset}), ${shows} show()s, ${strip.frames.length} distinct`;
      const axis =
        first !== null && first !== undefined
          ? `time down: ${first} ms to ${f.ranMs ?? strip.frames[strip.frames.length - 1][0]} ms`
          : 'one row per distinct picture';
      return `<p class="axis">${esc(label)}; ${esc(axis)}</p><img alt="${esc(`LED frames of ${s.example} on ${s.board}, ${label}`)}" src="data:image/png;base64,${png}">`;
    });
    const serial = (f.serial + (f.stderr ? `${f.serial ? '\n' : ''}${f.stderr}` : '')).replace(/\r\n/g, '\n');
    const lines = serial.split('\n').filter((l) => l.trim()).length;
    return (
      `<figure class="film" data-example="${esc(s.example)}" data-board="${esc(s.board)}"><h3>${esc(s.example)} <span class="badge">${esc(s.board)}</span></h3>` +
      `<p class="v${f.ok ? '' : ' bad'}">${esc(verdict)}</p>` +
      (images.length ? images.join('') : '<p class="axis">no LED frames</p>') +
      `<details><summary>serial output (${lines} line${lines === 1 ? '' : 's'})</summary><pre>${esc(serial.slice(0, 20000))}</pre></details></figure>`
    );
  });
  return `<h2>What the LEDs showed</h2><p class="note">From the <code>test</code> target's frames files: LEDs across, time down.</p><div class="films">${figures.join('\n')}</div>`;
}
