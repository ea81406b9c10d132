// Benchmark and survey of the `test` target on a library already built in this workspace (links cached):
//
//   node -r @swc-node/register tools/bench/sim.ts --board uno --library fastled --json <file> [--md <file>]
//        [--skip-runs]   (only re-read the frames files and re-render)
//
// 1. simulator speed: Blink and ColorPalette (or the first two examples) run for 5 s simulated each, in this
//    one process (`runTestJob`, a batch), reporting simulated cycles per wall second;
// 2. the whole `nx run-many -t test` for the board and library: cold (test tasks only, cache skipped:
//    `--exclude-task-dependencies --skip-nx-cache`) and warm (everything cached), wall time each;
// 3. the survey: per example, what its frames file says (ran, frames, LEDs per frame, serial lines, failure).
// Use a private NX_CACHE_DIRECTORY; run it niced on a shared machine. Ratios, not absolute times, travel.
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTestJob } from '../../packages/nx-fastled/src/cli/test-command';
import { compareFrames, parseFrames, showsOf, FramesFile } from '../../packages/nx-fastled/src/sim';

interface Row {
  example: string;
  ok: boolean;
  ranMs: number | null;
  shows: number;
  distinct: number;
  leds: string;
  firstFrameMs: number | null;
  serialLines: number;
  failure: string;
}

function survey(root: string, outDir: string, board: string, lib: string): Row[] {
  const base = path.join(root, outDir, board, lib, 'examples');
  const rows: Row[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const n of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.frames.json')) {
        const f: FramesFile = parseFrames(fs.readFileSync(p, 'utf8'), p);
        rows.push({
          example: path.relative(base, dir),
          ok: f.ok,
          ranMs: f.ranMs,
          shows: f.strips.reduce((k, s) => k + s.frames.reduce((m, e) => m + showsOf(e), 0), 0),
          distinct: f.strips.reduce((k, s) => k + s.frames.length, 0),
          leds: f.strips.map((s) => `${s.leds}@${s.pin}`).join(' + ') || '-',
          firstFrameMs: f.strips[0]?.frames[0]?.[0] ?? null,
          serialLines: (f.serial + f.stderr).split('\n').filter((l) => l.trim()).length,
          failure: f.failure?.message ?? '',
        });
      }
    }
  };
  walk(base);
  return rows;
}

function nx(args: string[], env: NodeJS.ProcessEnv): { seconds: number; status: number | null; tail: string } {
  const t = Date.now();
  const r = spawnSync('npx', ['nx', ...args], { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  return { seconds: (Date.now() - t) / 1000, status: r.status, tail: (r.stdout + r.stderr).split('\n').slice(-6).join('\n') };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      board: { type: 'string', default: 'uno' },
      library: { type: 'string', default: 'fastled' },
      json: { type: 'string' },
      md: { type: 'string' },
      'skip-runs': { type: 'boolean', default: false },
      compare: { type: 'string' },
    },
  });
  const root = process.cwd();
  const board = values.board!;
  const lib = values.library!;
  const env = { ...process.env, NX_FASTLED_BOARDS: process.env.NX_FASTLED_BOARDS ?? board, NX_DAEMON: 'false', NX_TUI: 'false' };
  const result: Record<string, unknown> = {
    board,
    library: lib,
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    loadavg: os.loadavg(),
  };
  if (!values['skip-runs']) {
    if (board !== 'native') {
      const exDir = path.join('dist', board, lib, 'examples');
      const picks = ['Blink', 'ColorPalette'].filter((e) => fs.existsSync(path.join(exDir, e, `${e}.hex`)));
      const speed = picks.map((e) => {
        const o = runTestJob({
          board,
          runner: 'avr',
          mcu: 'atmega328p',
          clock: '16000000',
          ms: '5000',
          firmware: path.join(exDir, e, `${e}.hex`),
          elf: path.join(exDir, e, `${e}.elf`),
          out: path.join('/tmp', `nxf-bench-${e}.frames.json`),
        });
        return { example: e, cycles: o.cycles, wallMs: Math.round(o.wallMs), mhz: Math.round((o.cycles / o.wallMs / 1000) * 100) / 100 };
      });
      result.simulatorSpeed = speed;
    }
    const projects = `test/${board}/${lib}/**`;
    const cold = nx(
      ['run-many', '-t', 'test', '-p', projects, '--exclude-task-dependencies', '--skip-nx-cache', '--parallel=2', '--outputStyle=static'],
      env,
    );
    const warm = nx(['run-many', '-t', 'test', '-p', projects, '--parallel=2', '--outputStyle=static'], env);
    result.cold = { seconds: cold.seconds, status: cold.status, tail: cold.tail };
    result.warm = { seconds: warm.seconds, status: warm.status, tail: warm.tail };
  }
  const rows = survey(root, 'dist', board, lib);
  result.examples = rows;
  if (values.compare) {
    // Same examples on another board (e.g. native): distinct pictures compared entry by entry.
    const other = values.compare;
    result.comparison = rows.map((r) => {
      const name = path.basename(r.example);
      const a = path.join(root, 'dist', board, lib, 'examples', r.example, `${name}.frames.json`);
      const b = path.join(root, 'dist', other, lib, 'examples', r.example, `${name}.frames.json`);
      if (!fs.existsSync(b)) return { example: r.example, other: 'not run' };
      const c = compareFrames(parseFrames(fs.readFileSync(a, 'utf8')), parseFrames(fs.readFileSync(b, 'utf8')));
      return { example: r.example, ...c };
    });
  }
  const md = [
    `| example | ran | show()s (distinct) | LEDs per frame @ pin | first frame (ms) | serial lines | failure |`,
    `| --- | --- | --- | --- | --- | --- | --- |`,
    ...rows.map(
      (r) =>
        `| ${r.example} | ${r.ok ? 'ok' : 'FAILED'}${r.ranMs !== null ? ` (${r.ranMs} ms)` : ''} | ${r.shows} (${r.distinct}) | ${r.leds} | ${r.firstFrameMs ?? '-'} | ${r.serialLines} | ${r.failure.replace(/\|/g, '\\|')} |`,
    ),
  ].join('\n');
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 1) + '\n');
  if (values.md) fs.writeFileSync(values.md, md + '\n');
  process.stdout.write(`${JSON.stringify({ ...result, examples: rows.length }, null, 1)}\n${md}\n`);
}

main();
