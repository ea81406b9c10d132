// The arduino-builder oracle: Debian's arduino-builder 1.3.25 (the Arduino IDE 1.8.19 build engine) builds every
// example a board admits (by the plugin's own filter rules), and its flash and RAM are recorded, one JSON object
// per line: { fqbn, ino (workspace-relative, vendor/<Lib>/...), rc, flash, ram, seconds }. boards.ts (--oracle)
// compares them with ours.
//
//   nice -n 19 node -r @swc-node/register tools/bench/boards-oracle.ts --library vendor/FastLED \
//        --work /tmp/boards-oracle --out /tmp/boards-oracle/results.jsonl [--fqbns a,b,c] [--jobs 2]
//        [--libs-dir /tmp/o] [--sketches /tmp/q]   short folders: see below
//
// Resumable: an (fqbn, ino) already in --out is not built again.
//
// Equal sizes need equal strings: FastLED's log macros put __FILE__ into flash and RAM, and arduino-builder
// compiles with absolute paths where we compile with workspace-relative ones. So the library is reached through
// `<libs-dir>/<Lib>`, as long as `vendor/<Lib>` (`/tmp/o/FastLED`), and every sketch is copied to a folder
// whose path has the length of ours (`vendor/<Lib>/examples/<dir>/<Name>.ino`) with its main file named S.ino
// (arduino-builder keeps a build folder's library objects only while the sketch's file name stays the same).
import { arduinoBuilderArgs, builderSizes } from '../oracle/arduino-builder';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { admits, markerFilesAdmit, parseFilters } from '../../packages/nx-fastled/src/filters';
import { StatMemo } from '../../packages/nx-fastled/src/hashing/stat-memo';
import { discoverLibrary } from '../../packages/nx-fastled/src/library/discover';
import { boardDefinition } from '../../packages/nx-fastled/src/toolchain/boards';
import { ProbeMemo, resolveBoard } from '../../packages/nx-fastled/src/toolchain/identity';

export const ORACLE_FQBNS = ['arduino:avr:uno', 'arduino:avr:mega:cpu=atmega2560', 'arduino:avr:leonardo'];

/** The examples (main .ino, library-relative) a board admits by the plugin's rules. */
export function admittedExamples(library: string, boardName: string): string[] {
  const files = spawnSync('git', ['-C', library, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .stdout.split('\0')
    .filter(Boolean);
  const lib = discoverLibrary('library.properties', fs.readFileSync(path.join(library, 'library.properties'), 'utf8'), files);
  const def = boardDefinition(boardName, { env: process.env, homeDir: os.homedir() });
  if (!def) throw new Error(`no board ${boardName}`);
  const r = resolveBoard(def, { env: process.env, homeDir: os.homedir(), pluginRoot: '' }, new StatMemo(), new ProbeMemo());
  if (!r.ok) throw new Error(`board ${boardName} does not resolve`);
  const traits = r.recipe.traits ?? def.traits;
  const out: string[] = [];
  for (const ex of lib.examples) {
    if (!markerFilesAdmit(ex.folderFiles, def.name).admitted) continue;
    try {
      if (admits(parseFilters(fs.readFileSync(path.join(library, ex.inoFiles[0]), 'latin1'), ex.inoFiles[0]), traits).admitted)
        out.push(ex.inoFiles[0]);
    } catch {
      // an invalid directive is an error of that example: not admitted
    }
  }
  return out.sort();
}

interface Job {
  fqbn: string;
  ino: string; // library-relative
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + '_'.repeat(n - s.length);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      library: { type: 'string', default: 'vendor/FastLED' },
      work: { type: 'string', default: path.join(os.tmpdir(), 'boards-oracle') },
      out: { type: 'string' },
      fqbns: { type: 'string', default: ORACLE_FQBNS.join(',') },
      jobs: { type: 'string', default: '2' },
      'libs-dir': { type: 'string', default: '/tmp/o' },
      sketches: { type: 'string', default: '/tmp/q' },
    },
  });
  const library = path.resolve(values.library!);
  const libName = path.basename(library);
  const work = path.resolve(values.work!);
  const out = path.resolve(values.out ?? path.join(work, 'results.jsonl'));
  fs.mkdirSync(work, { recursive: true });
  const libsDir = path.resolve(values['libs-dir']!);
  if (path.join(libsDir, libName).length !== `vendor/${libName}`.length)
    throw new Error(`${libsDir}/${libName} is not as long as vendor/${libName}: __FILE__ strings would differ in size`);
  fs.mkdirSync(libsDir, { recursive: true });
  const link = path.join(libsDir, libName);
  if (fs.existsSync(link) && fs.realpathSync(link) !== fs.realpathSync(library)) throw new Error(`${link} is another library`);
  if (!fs.existsSync(link)) fs.symlinkSync(library, link);
  const sketchRoot = path.resolve(values.sketches!);
  const done = new Set(
    fs.existsSync(out)
      ? fs
          .readFileSync(out, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const o = JSON.parse(l) as { fqbn: string; ino: string };
            return `${o.fqbn} ${o.ino}`;
          })
      : [],
  );
  const jobs: Job[] = [];
  for (const fqbn of values.fqbns!.split(',')) {
    for (const ino of admittedExamples(library, fqbn)) if (!done.has(`${fqbn} vendor/${libName}/${ino}`)) jobs.push({ fqbn, ino });
  }
  process.stderr.write(`oracle: ${jobs.length} builds to run, ${done.size} already in ${out}\n`);
  const workers = Number(values.jobs);
  // arduino-builder compiles the whole library once per build folder (one per worker and FQBN), slowly, one
  // file at a time: a worker stays on its FQBN, takes one no worker has started next, and only then helps another.
  const queues = new Map<string, Job[]>();
  for (const j of jobs) queues.set(j.fqbn, [...(queues.get(j.fqbn) ?? []), j]);
  const started = new Set<string>();
  const take = (current: string | undefined): Job | undefined => {
    let fqbn = current && queues.get(current)?.length ? current : undefined;
    fqbn ??= [...queues.keys()].find((f) => !started.has(f) && queues.get(f)!.length);
    fqbn ??= [...queues.entries()].sort((a, b) => b[1].length - a[1].length).find(([, q]) => q.length)?.[0];
    if (!fqbn) return undefined;
    started.add(fqbn);
    return queues.get(fqbn)!.shift();
  };
  const run = async (w: number): Promise<void> => {
    let current: string | undefined;
    for (let job = take(current); job; job = take(current)) {
      current = job.fqbn;
      const safe = job.fqbn.replace(/[:=,]/g, '_');
      const exDir = path.dirname(job.ino); // examples/<dir>
      const name = path.basename(job.ino, '.ino');
      // Ours: vendor/<Lib>/<exDir>/<name>.ino. Theirs: <sketchRoot>/<d>/S.ino, made the same length.
      const ours = `vendor/${libName}/${job.ino}`.length;
      const base = `${sketchRoot}/`;
      const want = ours - base.length - '/S.ino'.length;
      const d = pad(`w${w}${exDir.replace(/^examples\//, '_').replace(/\//g, '_')}`, want);
      if (base.length + d.length + 6 !== ours) throw new Error(`${job.ino}: the sketch path cannot be as long as ours`);
      const sk = path.join(sketchRoot, d);
      fs.rmSync(sk, { recursive: true, force: true });
      fs.mkdirSync(sk, { recursive: true });
      fs.cpSync(path.join(library, exDir), sk, { recursive: true });
      fs.renameSync(path.join(sk, `${name}.ino`), path.join(sk, 'S.ino'));
      const bp = path.join(work, 'build', `${safe}-w${w}`);
      const cache = path.join(work, 'cache', `${safe}-w${w}`);
      fs.mkdirSync(bp, { recursive: true });
      fs.mkdirSync(cache, { recursive: true });
      const logFile = path.join(work, 'logs', `${safe}-${exDir.replace(/\//g, '_')}.txt`);
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      const t0 = Date.now();
      const args = arduinoBuilderArgs({ fqbn: job.fqbn, libraries: libsDir, buildPath: bp, cache, sketch: path.join(sk, 'S.ino') });
      const rc = await new Promise<number>((resolve) => {
        const fd = fs.openSync(logFile, 'w');
        const p = spawn('arduino-builder', args, { stdio: ['ignore', fd, fd] });
        p.on('close', (code) => {
          fs.closeSync(fd);
          resolve(code ?? -1);
        });
      });
      const text = fs.readFileSync(logFile, 'utf8');
      const { flash, ram } = builderSizes(text);
      const rec = {
        fqbn: job.fqbn,
        ino: `vendor/${libName}/${job.ino}`,
        rc,
        flash: flash ?? null,
        ram: ram ?? null,
        seconds: Math.round((Date.now() - t0) / 1000),
        loadAvg: Math.round(os.loadavg()[0] * 100) / 100,
      };
      fs.appendFileSync(out, JSON.stringify(rec) + '\n');
      process.stderr.write(`oracle: ${JSON.stringify(rec)}\n`);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => run(w)));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`boards-oracle: ${(e as Error).message}`);
    process.exit(1);
  });
}
