// Cost of verifying a compile's inputs after it ran (src/hashing/input-manifest.ts, src/cli/inputs-command.ts),
// measured on FastLED for uno with the real avr-g++:
//   - per run: the manifest preTasksExecution writes (every workspace file: stat, and Nx's native hash when the
//     memo does not know the file), without and with the memo;
//   - per compile: the `nx-fastled-task inputs` step as a task runs it (a Node process), against a bare
//     `node -e 0` measured in the same loop, and against the compile of the same TUs.
//
//   node -r @swc-node/register tools/bench/input-check.ts --fastled vendor/FastLED [--runs 7] [--tus 4]
//        [--json tools/bench/results/input-check-fastled-uno.json] [--md ...]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { nxHashFile as hashFile } from '../../packages/nx-fastled/src/nx-compat';
import { buildManifest, memoText } from '../../packages/nx-fastled/src/hashing/input-manifest';
import { parseDepfile } from '../../packages/nx-fastled/src/scan/depfile';

const REPO = path.resolve(__dirname, '../..');
const TASK = path.join(REPO, 'packages/nx-fastled/bin/nx-fastled-task.cjs');
const CORE = '/usr/share/arduino/hardware/arduino/avr';
const UNO_FLAGS = [
  '-c',
  '-Os',
  '-w',
  '-std=gnu++11',
  '-fpermissive',
  '-fno-exceptions',
  '-ffunction-sections',
  '-fdata-sections',
  '-fno-threadsafe-statics',
  '-flto',
  '-mmcu=atmega328p',
  '-DF_CPU=16000000L',
  '-DARDUINO=10819',
  '-DARDUINO_AVR_UNO',
  '-DARDUINO_ARCH_AVR',
];

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function timed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return ms(t);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      fastled: { type: 'string', default: 'vendor/FastLED' },
      runs: { type: 'string', default: '7' },
      tus: { type: 'string', default: '4' },
      json: { type: 'string', default: 'tools/bench/results/input-check-fastled-uno.json' },
      md: { type: 'string' },
    },
  });
  const root = path.resolve(values.fastled!);
  const runs = Number(values.runs);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-input-bench-'));
  // Nx's view of the workspace: its tracked files with Nx's own hash.
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 })
    .split('\n')
    .filter((f) => f && fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile())
    .map((file) => ({ file, hash: hashFile(path.join(root, file))! }));
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(root, f.file)).size, 0);

  const memoFile = path.join(tmp, 'memo.json');
  const cold: number[] = [];
  const warm: number[] = [];
  let manifestBytes = 0;
  for (let i = 0; i < runs; i++) {
    fs.rmSync(memoFile, { force: true });
    let built!: ReturnType<typeof buildManifest>;
    cold.push(timed(() => (built = buildManifest(root, files, hashFile, memoFile))));
    fs.writeFileSync(memoFile, memoText(built.memo));
    const manifestText = JSON.stringify(built.manifest);
    manifestBytes = manifestText.length;
    warm.push(timed(() => buildManifest(root, files, hashFile, memoFile)));
    fs.writeFileSync(path.join(tmp, 'manifest.json'), manifestText);
  }

  // Per compile: the largest unity TUs of the library, compiled as the uno recipe does, with a depfile.
  const tus = fs
    .readdirSync(path.join(root, 'src/fl/build'))
    .filter((f) => f.endsWith('.cpp'))
    .map((f) => `src/fl/build/${f}`)
    .slice(0, Number(values.tus));
  const rows: { tu: string; deps: number; compileMs: number; checkMs: number; nodeMs: number }[] = [];
  for (const tu of tus) {
    const obj = path.join(tmp, `${path.basename(tu)}.o`);
    const dep = path.join(tmp, `${path.basename(tu)}.d`);
    const compileArgs = [...UNO_FLAGS, `-I${CORE}/cores/arduino`, `-I${CORE}/variants/standard`, '-Isrc', tu, '-MD', '-MF', dep, '-o', obj];
    const compileMs = timed(() => {
      const r = spawnSync('avr-g++', compileArgs, { cwd: root });
      if (r.status !== 0) throw new Error(`avr-g++ ${tu}: ${r.stderr}`);
    });
    const deps = parseDepfile(fs.readFileSync(dep, 'utf8')).length;
    const depCopy = `${dep}.keep`;
    fs.copyFileSync(dep, depCopy);
    const check: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < runs; i++) {
      fs.copyFileSync(depCopy, dep);
      fs.copyFileSync(obj, `${obj}.tmp`);
      check.push(
        timed(() => {
          const r = spawnSync(process.execPath, [TASK, 'inputs', '--depfile', dep, '--object', `${obj}.tmp`, '--output', obj], {
            cwd: root,
            env: { ...process.env, NXF_INPUTS: path.join(tmp, 'manifest.json') },
            encoding: 'utf8',
          });
          if (r.status !== 0) throw new Error(`inputs ${tu}: ${r.stderr}`);
        }),
      );
      node.push(timed(() => spawnSync(process.execPath, ['-e', '0'])));
    }
    rows.push({ tu, deps, compileMs: Math.round(compileMs), checkMs: Math.round(median(check)), nodeMs: Math.round(median(node)) });
  }
  const result = {
    what: 'input verification cost (issue 13): per-run manifest, per-compile check',
    machine: { cpus: os.cpus().length, load1: os.loadavg()[0], node: process.version },
    workspace: { root: path.relative(REPO, root), files: files.length, bytes },
    runs,
    manifest: { coldMs: Math.round(median(cold)), warmMs: Math.round(median(warm)), bytes: manifestBytes },
    compiles: rows,
    usesDist: fs.existsSync(path.join(REPO, 'packages/nx-fastled/dist/cli/main.js')),
  };
  const json = path.resolve(values.json!);
  fs.mkdirSync(path.dirname(json), { recursive: true });
  fs.writeFileSync(`${json}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  fs.renameSync(`${json}.tmp`, json);
  const md = [
    `# Input verification cost — FastLED, uno`,
    '',
    `Machine: ${result.machine.cpus} CPUs, load ${result.machine.load1.toFixed(1)} at the end, Node ${result.machine.node}; medians of ${runs} runs; task CLI from ${result.usesDist ? 'dist/' : 'sources (swc)'}.`,
    '',
    `Per run (preTasksExecution): manifest of ${files.length} files (${(bytes / 1e6).toFixed(1)} MB): ${result.manifest.coldMs} ms without the memo, ${result.manifest.warmMs} ms with it; ${(manifestBytes / 1024).toFixed(0)} KiB written.`,
    '',
    '| TU | files read | compile (ms) | `inputs` step (ms) | bare `node -e 0` (ms) | step − bare node (ms) | step / compile |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.tu} | ${r.deps} | ${r.compileMs} | ${r.checkMs} | ${r.nodeMs} | ${r.checkMs - r.nodeMs} | ${(r.checkMs / r.compileMs).toFixed(3)} |`,
    ),
  ].join('\n');
  const mdFile = path.resolve(values.md ?? json.replace(/\.json$/, '.md'));
  fs.writeFileSync(`${mdFile}.tmp`, `${md}\n`);
  fs.renameSync(`${mdFile}.tmp`, mdFile);
  process.stdout.write(`${md}\n`);
  fs.rmSync(tmp, { recursive: true, force: true });
}

main();
