// Validation of IncludeScanner against the compiler on vendor/FastLED: for every library TU and a set of
// example sketches, `<compiler> -M` lists what the preprocessor actually read; every workspace file in that
// list must be in the closure (a miss would be a stale object). Reports misses, the over-approximation
// (closure size / -M size) and cold/warm/hot timings.
//
//   node -r @swc-node/register tools/scan/validate-fastled.ts [avr|host|all] [--sketches=N]
//
// Exit status 1 if any TU has a miss. A measurement on FastLED (not in CI): the CI check of the same promise
// runs on a fixture library (packages/nx-fastled/test/scanner-vs-gcc.spec.ts).
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDepfile } from '../../packages/nx-fastled/src/scan/depfile';
import { IncludeScanner, type Closure, type ScanOptions } from '../../packages/nx-fastled/src/scan/include-scanner';
import { FsView } from '../../packages/nx-fastled/src/scan/fs-view';

export const FASTLED = 'vendor/FastLED';
const ARDUINO_AVR = '/usr/share/arduino/hardware/arduino/avr';

export interface Toolchain {
  name: string;
  /** C++ driver; C and assembler TUs use `cc` */
  cxx: string;
  cc: string;
  flags: string[];
  includeDirs: string[];
  /** forced includes for sketches (`-include`) */
  sketchInclude: string;
  /** extra include dirs for sketches, after includeDirs (the sketch folder is appended too) */
  sketchIncludeDirs: string[];
}

export function avrToolchain(): Toolchain {
  return {
    name: 'avr (uno)',
    cxx: 'avr-g++',
    cc: 'avr-gcc',
    flags: ['-mmcu=atmega328p', '-DF_CPU=16000000L', '-DARDUINO=10819', '-DARDUINO_AVR_UNO', '-DARDUINO_ARCH_AVR'],
    includeDirs: [`${ARDUINO_AVR}/cores/arduino`, `${ARDUINO_AVR}/variants/standard`, `${FASTLED}/src`],
    sketchInclude: 'Arduino.h',
    sketchIncludeDirs: [],
  };
}

/** FastLED's own host build of examples (ci/build_example.toml, [all] and [stub_platform]). */
export function hostStubToolchain(): Toolchain {
  return {
    name: 'host g++ (FastLED stub platform)',
    cxx: 'g++',
    cc: 'gcc',
    flags: [
      '-DSTUB_PLATFORM',
      '-DARDUINO=10808',
      '-DFASTLED_USE_STUB_ARDUINO',
      '-DFASTLED_STUB_IMPL',
      '-DSKETCH_HAS_LARGE_MEMORY=1',
      '-DSKETCH_HAS_HUGE_MEMORY=1',
      '-DFASTLED_HAS_ENGINE_EVENTS=1',
      '-fpermissive',
    ],
    includeDirs: [FASTLED, `${FASTLED}/src`, `${FASTLED}/src/platforms/stub`],
    sketchInclude: 'Arduino.h',
    sketchIncludeDirs: [],
  };
}

/** The compiler's own search path (`#include <...> search starts here:`), absolute. */
export function systemDirs(driver: string, flags: string[]): string[] {
  const r = spawnSync(driver, ['-xc++', '-E', '-v', ...flags.filter((f) => f.startsWith('-m')), '-'], {
    input: '',
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) throw new Error(`${driver}: cannot query its search path: ${r.error ?? r.stderr}`);
  const lines = r.stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('#include <...> search starts here:'));
  const end = lines.findIndex((l) => l.startsWith('End of search list.'));
  return lines
    .slice(start + 1, end)
    .map((l) => l.trim().replace(/ \(framework directory\)$/, ''))
    .map((l) => path.resolve(l));
}

export function hasCommand(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

export interface Unit {
  tu: string;
  kind: 'library' | 'sketch';
}

/** The library's real translation units: every .c/.cpp/.S under src (FastLED's unity files live in fl/build). */
export function libraryUnits(ws: string): Unit[] {
  const view = new FsView();
  return view
    .filesUnder(path.join(ws, FASTLED, 'src'))
    .filter((f) => /\.(c|cpp|S)$/.test(f))
    .map((f) => ({ tu: path.relative(ws, f).split(path.sep).join('/'), kind: 'library' as const }));
}

/** Main .ino of every example (the one named like its folder), sorted; `limit` takes an even spread. */
export function sketchUnits(ws: string, limit?: number): Unit[] {
  const view = new FsView();
  const all = view
    .filesUnder(path.join(ws, FASTLED, 'examples'))
    .filter((f) => f.endsWith('.ino') && path.basename(f, '.ino') === path.basename(path.dirname(f)))
    .map((f) => ({ tu: path.relative(ws, f).split(path.sep).join('/'), kind: 'sketch' as const }));
  if (limit === undefined || limit >= all.length) return all;
  const step = all.length / limit;
  return Array.from({ length: limit }, (_, i) => all[Math.floor(i * step)]);
}

export interface UnitArgs {
  includeDirs: string[];
  forced: string[];
  argv: string[];
  driver: string;
  /** the compile's predefined macros (`-dM -E` of an empty file with the same flags) */
  predefined: string;
}

const predefinedMemo = new Map<string, string>();

/** `<driver> <flags> -dM -E -x <lang> /dev/null`: builtins and -D, as #define lines. */
export function predefinedMacros(driver: string, flags: string[], lang: string): string {
  const argv = [...flags, '-dM', '-E', '-x', lang, '/dev/null'];
  const key = [driver, ...argv].join('\0');
  let out = predefinedMemo.get(key);
  if (out === undefined) {
    const r = spawnSync(driver, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error || r.status !== 0) throw new Error(`${driver} ${argv.join(' ')}: ${r.error ?? r.stderr}`);
    out = r.stdout;
    predefinedMemo.set(key, out);
  }
  return out;
}

export function unitArgs(t: Toolchain, u: Unit): UnitArgs {
  if (u.kind === 'sketch') {
    const includeDirs = [...t.includeDirs, ...t.sketchIncludeDirs, path.posix.dirname(u.tu)];
    return {
      includeDirs,
      forced: [t.sketchInclude],
      driver: t.cxx,
      predefined: predefinedMacros(t.cxx, [...t.flags, '-std=gnu++11'], 'c++'),
      argv: ['-M', ...t.flags, '-std=gnu++11', ...includeDirs.map((d) => `-I${d}`), '-x', 'c++', '-include', t.sketchInclude, u.tu],
    };
  }
  const lang = u.tu.endsWith('.S') ? ['-x', 'assembler-with-cpp'] : u.tu.endsWith('.c') ? ['-std=gnu11'] : ['-std=gnu++11'];
  const driver = u.tu.endsWith('.cpp') ? t.cxx : t.cc;
  const xlang = u.tu.endsWith('.S') ? 'assembler-with-cpp' : u.tu.endsWith('.c') ? 'c' : 'c++';
  return {
    includeDirs: t.includeDirs,
    forced: [],
    driver,
    predefined: predefinedMacros(driver, [...t.flags, ...lang.filter((f) => f.startsWith('-std'))], xlang),
    argv: ['-M', ...t.flags, ...lang, ...t.includeDirs.map((d) => `-I${d}`), u.tu],
  };
}

export interface UnitResult {
  tu: string;
  kind: Unit['kind'];
  /** workspace files gcc read; null if the compiler refused the TU (e.g. #error for this board) */
  actual: number | null;
  compilerError?: string;
  /** files in the closure plus every file under its globs */
  closure: number;
  closureFiles: number;
  globs: string[];
  computed: number;
  absent: number;
  misses: string[];
}

export interface ValidationReport {
  toolchain: string;
  systemDirs: string[];
  units: UnitResult[];
  misses: number;
  /** sum(closure) / sum(actual) over the units the compiler accepted */
  ratio: number;
  /** the same with the closure's files only (globs not expanded) */
  filesRatio: number;
  worst: { tu: string; ratio: number } | null;
  timingsMs: { cold: number; warmSelfHashed: number; warmCallerHashed: number; hot: number };
  firstMode: { ratio: number; misses: number };
}

export function validate(ws: string, t: Toolchain, units: Unit[]): ValidationReport {
  const sys = systemDirs(t.cxx, t.flags);
  const view = new FsView();
  const expand = (c: Closure): Set<string> => {
    const all = new Set(c.files);
    for (const g of c.globs) {
      const dir = g === '**/*' ? ws : path.join(ws, g.slice(0, -'/**/*'.length));
      view.filesUnder(dir).forEach((f) => all.add(path.relative(ws, f).split(path.sep).join('/')));
    }
    return all;
  };
  const args = units.map((u) => unitArgs(t, u));
  const runAll = (opts: Omit<ScanOptions, 'workspaceRoot'>): { closures: Closure[]; ms: number; scanner: IncludeScanner } => {
    const t0 = process.hrtime.bigint();
    const scanner = new IncludeScanner({ workspaceRoot: ws, ...opts });
    const closures = units.map((u, i) =>
      scanner.closure(u.tu, args[i].includeDirs, sys, args[i].forced, { predefined: args[i].predefined }),
    );
    scanner.save();
    return { closures, ms: Number(process.hrtime.bigint() - t0) / 1e6, scanner };
  };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-fastled-scan-'));
  const cacheFile = path.join(tmp, 'scan-cache.json');
  try {
    const cold = runAll({ cacheFile });
    const warmSelf = runAll({ cacheFile });
    // what Nx gives us: content hashes of workspace files (computed here outside the timing)
    const hashes = new Map<string, string>();
    for (const c of cold.closures) {
      for (const f of expand(c)) if (!hashes.has(f)) hashes.set(f, `sha1:${sha1(path.join(ws, f))}`);
    }
    const warmCaller = runAll({ cacheFile, fileHash: (p) => hashes.get(p) });
    const t0 = process.hrtime.bigint();
    units.forEach((u, i) => warmCaller.scanner.closure(u.tu, args[i].includeDirs, sys, args[i].forced, { predefined: args[i].predefined }));
    const hot = Number(process.hrtime.bigint() - t0) / 1e6;
    const first = runAll({ resolution: 'first' });

    const results: UnitResult[] = [];
    let firstClosure = 0;
    let firstMisses = 0;
    units.forEach((u, i) => {
      const c = cold.closures[i];
      const closure = expand(c);
      const r = spawnSync(args[i].driver, args[i].argv, { cwd: ws, encoding: 'utf8', maxBuffer: 64 << 20 });
      const base = {
        tu: u.tu,
        kind: u.kind,
        closure: closure.size,
        closureFiles: c.files.length,
        globs: c.globs,
        computed: c.computed.length,
        absent: c.absent.length,
      };
      if (r.error || r.status !== 0) {
        const message = (r.error?.message ?? r.stderr).split('\n').find((l) => /error/.test(l)) ?? 'failed';
        results.push({ ...base, actual: null, compilerError: message.trim(), misses: [] });
        return;
      }
      const actual = parseDepfile(r.stdout, `${u.tu} -M`)
        .map((d) => path.resolve(ws, d))
        .filter((d) => d.startsWith(ws + path.sep))
        .map((d) => path.relative(ws, d).split(path.sep).join('/'));
      const misses = actual.filter((d) => !closure.has(d));
      const firstSet = expand(first.closures[i]);
      firstClosure += firstSet.size;
      firstMisses += actual.filter((d) => !firstSet.has(d)).length;
      results.push({ ...base, actual: actual.length, misses });
    });
    const ok = results.filter((r) => r.actual !== null);
    const sum = (f: (r: UnitResult) => number): number => ok.reduce((a, r) => a + f(r), 0);
    const ratios = ok.map((r) => ({ tu: r.tu, ratio: r.closure / (r.actual as number) }));
    ratios.sort((a, b) => b.ratio - a.ratio);
    return {
      toolchain: t.name,
      systemDirs: sys,
      units: results,
      misses: sum((r) => r.misses.length),
      ratio: sum((r) => r.closure) / sum((r) => r.actual as number),
      filesRatio: sum((r) => r.closureFiles) / sum((r) => r.actual as number),
      worst: ratios[0] ?? null,
      timingsMs: { cold: cold.ms, warmSelfHashed: warmSelf.ms, warmCallerHashed: warmCaller.ms, hot },
      firstMode: { ratio: firstClosure / sum((r) => r.actual as number), misses: firstMisses },
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function sha1(file: string): string {
  return createHash('sha1').update(fs.readFileSync(file)).digest('hex');
}

export function formatReport(r: ValidationReport): string {
  const ok = r.units.filter((u) => u.actual !== null);
  const lines = [
    `== ${r.toolchain}: ${r.units.length} TUs (${ok.length} accepted by the compiler)`,
    `misses: ${r.misses}`,
    `over-approximation (closure incl. glob-expanded / -M): total ${r.ratio.toFixed(2)}, files only ${r.filesRatio.toFixed(2)}` +
      (r.worst ? `, worst ${r.worst.ratio.toFixed(2)} (${r.worst.tu})` : ''),
    `gcc-first-match resolution instead: total ${r.firstMode.ratio.toFixed(2)}, misses ${r.firstMode.misses}`,
    `timings ms: cold ${r.timingsMs.cold.toFixed(0)}, warm (self-hashed) ${r.timingsMs.warmSelfHashed.toFixed(0)}, ` +
      `warm (caller-hashed) ${r.timingsMs.warmCallerHashed.toFixed(0)}, hot ${r.timingsMs.hot.toFixed(0)}`,
    'tu | -M | closure | files | globs | computed | absent | misses',
  ];
  for (const u of r.units) {
    lines.push(
      `${u.tu} | ${u.actual ?? `ERR ${u.compilerError}`} | ${u.closure} | ${u.closureFiles} | ${u.globs.join(' ')} | ` +
        `${u.computed} | ${u.absent} | ${u.misses.length ? u.misses.join(' ') : 0}`,
    );
  }
  return lines.join('\n');
}

function main(): void {
  const ws = path.resolve(__dirname, '../..');
  const which = process.argv.find((a) => /^(avr|host|all)$/.test(a)) ?? 'all';
  const limitArg = process.argv.find((a) => a.startsWith('--sketches='));
  const limit = limitArg ? Number(limitArg.split('=')[1]) : 31;
  if (!fs.existsSync(path.join(ws, FASTLED, 'src'))) {
    console.log(`skipped: ${FASTLED} is absent`);
    return;
  }
  const units = [...libraryUnits(ws), ...sketchUnits(ws, limit)];
  let failed = false;
  const toolchains = [...(which !== 'host' ? [avrToolchain()] : []), ...(which !== 'avr' ? [hostStubToolchain()] : [])];
  for (const t of toolchains) {
    if (!hasCommand(t.cxx)) {
      console.log(`skipped ${t.name}: ${t.cxx} not found`);
      continue;
    }
    const r = validate(ws, t, units);
    console.log(formatReport(r));
    if (r.misses > 0) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) main();
