// A per-example build the way `arduino-cli compile` works, scripted (arduino-cli is not installable here:
// Debian 12 does not package it and nothing may be downloaded). Faithful to its caching, not to its
// front end; the compile, archive and link commands are the plugin's own for the board (taken from the task
// graph), so the comparison is about caching, not flags.
//
// What arduino-cli does, and this script does the same way:
//   - one build folder per sketch: `<tmp>/arduino/sketches/<MD5 of the sketch folder's ABSOLUTE path,
//     upper-case hex>` (Sketch.DefaultBuildPath / Sketch.Hash);
//   - per sketch, the sketch's TUs, then every source of the library, then the core, each phase compiled in
//     parallel (`--jobs` = CPUs; here 2), into that folder; sketches one after another;
//   - an object is reused when it is up to date (ObjFileIsUpToDate): the object and its `.d` exist, neither is
//     older than the source, and every file the `.d` lists exists and is not newer than the object;
//   - the merged sketch `.ino.cpp` is rewritten only when its content changed (so an unchanged sketch keeps
//     its object);
//   - the core's archive is cached once per machine in `<tmp>/arduino/cores/<board>_<MD5(core folder)>/core.a`
//     and used while every file of the core folder is older than it (compileCore / DirContentIsOlderThan);
//   - the library's objects are linked directly (no library archive), always re-linked, then objcopy and size.
// Not modelled (their cost is left out, so this is a lower bound on arduino-cli's time): library discovery
// (arduino-cli preprocesses each TU repeatedly to find which libraries it includes; cached in
// `includes.cache` on warm runs), ctags-based prototype generation (the plugin's own sketch step is used).
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { round } from './nx-run';
import {
  compileInvocation,
  guard,
  linkArgs,
  type PlanStep,
  quote,
  renderArg,
  shellTempName,
  sketchInvocation,
} from '../../packages/nx-fastled/src/plan';
import type { GraphTask } from './task-graph';
import { BenchWorkspace, nxEnv } from './workspace';

/** `"$NAME"/rest` or `$NAME/rest` with the variable's value. */
function expandVars(s: string, env: Record<string, string | undefined>): string {
  return s.replace(/"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?/g, (_, name) => env[name] ?? '');
}

interface CompileUnit {
  id: string;
  /** The plugin's object path (workspace-relative, under `<outDir>/<board>/`). */
  object: string;
  /** The source as the shell sees it (may start with "$NXF_..._CORE"). */
  source: string;
  /** Sketch TUs: the main `.ino` and the `nx-fastled-task sketch` call that writes `source`. */
  sketchMain?: string;
  sketchSegment?: string;
  /** The toolchain guard and mkdir, then the compiler invocation with `-o <the object's shellTempName>`. */
  prefix: string[];
  compile: string;
}

function stepOf<K extends PlanStep['kind']>(t: GraphTask, kind: K): Extract<PlanStep, { kind: K }> {
  if (t.step?.kind !== kind) throw new Error(`${t.id}: no ${kind} step in its target metadata (metadata.nxFastled.step)`);
  return t.step as Extract<PlanStep, { kind: K }>;
}

function parseCompile(t: GraphTask): CompileUnit {
  const step = stepOf(t, 'compile');
  return {
    id: t.id,
    object: step.object,
    source: renderArg(step.source, step.env),
    sketchMain: step.sketch?.inoFiles[0],
    sketchSegment: step.sketch && t.tool ? sketchInvocation(step, t.tool) : undefined,
    prefix: [guard(step.board, step.env), `mkdir -p ${quote(path.dirname(step.object))}`],
    compile: compileInvocation(step, step.env),
  };
}

interface LinkSpec {
  id: string;
  name: string;
  bin: string;
  linker: string;
  objcopy?: string;
  hexFlags?: string;
  eepFlags?: string;
  size?: string;
  guard: string;
  args: string[];
  /** The example's own compile tasks. */
  sketchUnits: string[];
  /** Archive tasks it links: archive output → archive task id. */
  archives: Map<string, string>;
}

function parseLink(t: GraphTask): LinkSpec {
  const step = stepOf(t, 'link');
  return {
    id: t.id,
    name: step.name,
    bin: `"$${step.env.bin}"`,
    linker: step.program,
    objcopy: step.objcopy?.program,
    hexFlags: step.objcopy?.hex.map(quote).join(' '),
    eepFlags: step.objcopy?.eep?.map(quote).join(' '),
    size: step.size,
    guard: guard(step.board, step.env),
    args: linkArgs(step).map(quote),
    sketchUnits: t.deps.filter((d) => step.compileSteps.some((p) => d === `${p}:compile`)),
    archives: new Map(step.archives.map((a) => [a.file, `${a.step}:archive`])),
  };
}

export interface ArduinoPlan {
  board: string;
  units: Map<string, CompileUnit>;
  /** archive task id → its compile task ids, the archiver invocation words (tool + flags). */
  archiveUnits: Map<string, string[]>;
  archiver: Map<string, string>;
  coreArchive?: string;
  links: LinkSpec[];
  /** `<outDir>/<board>/`: the plugin's output prefix, replaced by the build folder. */
  outPrefix: string;
}

/** The board's compile, archive and link steps, read from the task graph's plan metadata. */
export function planFromGraph(tasks: GraphTask[], board: string): ArduinoPlan {
  const units = new Map<string, CompileUnit>();
  for (const t of tasks) if (t.target === 'compile' && t.step) units.set(t.id, parseCompile(t));
  const anyObject = [...units.values()][0].object;
  const k = anyObject.indexOf(`/${board}/`);
  const outPrefix = anyObject.slice(0, k + board.length + 2);
  const archiveUnits = new Map<string, string[]>();
  const archiver = new Map<string, string>();
  let coreArchive: string | undefined;
  for (const t of tasks.filter((x) => x.target === 'archive' && x.step)) {
    const step = stepOf(t, 'archive');
    archiveUnits.set(
      t.id,
      t.deps.filter((d) => units.has(d)),
    );
    archiver.set(t.id, [renderArg(step.program, step.env), ...step.flags.map((f) => quote(f.value))].join(' '));
    if (step.role === 'core') coreArchive = t.id;
  }
  const links = tasks.filter((t) => t.target === 'link' && t.step).map((t) => parseLink(t));
  return { board, units, archiveUnits, archiver, coreArchive, links, outPrefix };
}

/** arduino-cli's ObjFileIsUpToDate. */
function upToDate(source: string, object: string, cwd: string): boolean {
  const st = (p: string) => {
    try {
      return fs.statSync(path.resolve(cwd, p));
    } catch {
      return undefined;
    }
  };
  const src = st(source);
  const obj = st(object);
  const depFile = object.replace(/\.o$/, '.d');
  const dep = st(depFile);
  if (!src || !obj || !dep) return false;
  if (src.mtimeMs > obj.mtimeMs || src.mtimeMs > dep.mtimeMs) return false;
  const text = fs.readFileSync(path.resolve(cwd, depFile), 'utf8').replace(/\\\n/g, ' ');
  const files = text
    .slice(text.indexOf(': ') + 2)
    .split(/\s+/)
    .filter(Boolean);
  for (const f of files) {
    const s = st(f);
    if (!s || s.mtimeMs > obj.mtimeMs) return false;
  }
  return true;
}

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr.length < 4000 ? (stderr += b) : undefined));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

async function pool<T>(items: T[], workers: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
}

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const s = fs.statSync(p);
      newest = Math.max(newest, s.mtimeMs);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return newest;
}

export interface ExampleResult {
  example: string;
  buildFolder: string;
  seconds: number;
  compiled: number;
  reused: number;
  /** Seconds spent compiling the core (0 when the cached core.a was used). */
  coreSeconds: number;
  coreFromCache: boolean;
  linkSeconds: number;
  failed: string[];
}

export interface ArduinoRun {
  wallSeconds: number;
  loadAvg: [number, number];
  examples: ExampleResult[];
  compiled: number;
  reused: number;
  coreFromCache: number;
  failed: string[];
}

/**
 * Builds `examples` (link task ids) of the workspace one after another, each into its own build folder under
 * `<arduinoTmp>/arduino/sketches/`, as consecutive `arduino-cli compile` runs would.
 */
export async function buildLikeArduinoCli(
  ws: BenchWorkspace,
  plan: ArduinoPlan,
  examples: string[],
  toolEnv: Record<string, string>,
  arduinoTmp: string,
  workers = 2,
): Promise<ArduinoRun> {
  const env = { ...nxEnv(ws), ...toolEnv };
  const coreVar = Object.keys(toolEnv).find((k) => k.endsWith('_CORE'));
  const coreDir = coreVar ? toolEnv[coreVar] : '';
  const coreCache = path.join(
    arduinoTmp,
    'arduino',
    'cores',
    `${plan.board}_${crypto.createHash('md5').update(coreDir).digest('hex')}`,
    'core.a',
  );
  const load0 = os.loadavg()[0];
  const t0 = Date.now();
  const results: ExampleResult[] = [];
  for (const linkId of examples) {
    const link = plan.links.find((l) => l.id === linkId)!;
    // arduino-cli's sketch is the folder of the main .ino, by absolute path.
    const mainUnit = link.sketchUnits.map((id) => plan.units.get(id)!).find((u) => u.sketchSegment);
    const exampleDir = path.join(ws.root, mainUnit?.sketchMain ? path.dirname(mainUnit.sketchMain) : link.id);
    const bf = path.join(arduinoTmp, 'arduino', 'sketches', crypto.createHash('md5').update(exampleDir).digest('hex').toUpperCase());
    const mapPath = (p: string) => (p.startsWith(plan.outPrefix) ? path.join(bf, p.slice(plan.outPrefix.length)) : p);
    const mapCommand = (c: string) => c.split(plan.outPrefix).join(`${bf}/`);
    const r: ExampleResult = {
      example: linkId,
      buildFolder: bf,
      seconds: 0,
      compiled: 0,
      reused: 0,
      coreSeconds: 0,
      coreFromCache: false,
      linkSeconds: 0,
      failed: [],
    };
    const e0 = Date.now();
    const compileUnit = async (id: string) => {
      const u = plan.units.get(id)!;
      const object = mapPath(u.object);
      const pre = u.prefix.map(mapCommand);
      let source = u.source;
      if (u.sketchSegment) {
        // The merged sketch, rewritten only when its content changed.
        const cpp = mapPath(u.source);
        source = cpp;
        const gen = `${cpp}.gen`;
        const seg = mapCommand(u.sketchSegment).replace(` --out ${cpp} `, ` --out ${gen} `);
        const g = await sh([...pre, seg].join(' && '), ws.root, env);
        if (g.code !== 0) {
          r.failed.push(`${id} (sketch): ${g.stderr.slice(0, 300)}`);
          return;
        }
        if (fs.existsSync(cpp) && fs.readFileSync(cpp).equals(fs.readFileSync(gen))) fs.rmSync(gen);
        else fs.renameSync(gen, cpp);
      }
      if (upToDate(expandVars(source, env), object, ws.root)) {
        r.reused++;
        return;
      }
      const compile = mapCommand(u.compile).replace(` -o ${mapCommand(shellTempName(u.object))} `, ` -MMD -o ${object} `);
      const c = await sh([...pre, compile].join(' && '), ws.root, env);
      r.compiled++;
      if (c.code !== 0) r.failed.push(`${id}: ${c.stderr.slice(0, 300)}`);
    };
    // 1. sketch, 2. libraries, 3. core: each phase in parallel, as arduino-cli's builder does.
    await pool(link.sketchUnits, workers, compileUnit);
    const libArchives = [...link.archives.values()].filter((a) => a !== plan.coreArchive);
    const libUnits = libArchives.flatMap((a) => plan.archiveUnits.get(a)!);
    await pool(libUnits, workers, compileUnit);
    let coreA = coreCache;
    if (plan.coreArchive) {
      const c0 = Date.now();
      const usable = fs.existsSync(coreCache) && coreDir && newestMtime(coreDir) < fs.statSync(coreCache).mtimeMs;
      if (usable) r.coreFromCache = true;
      else {
        const coreUnits = plan.archiveUnits.get(plan.coreArchive)!;
        await pool(coreUnits, workers, compileUnit);
        const built = path.join(bf, 'core', 'core.a');
        const objs = coreUnits.map((u) => mapPath(plan.units.get(u)!.object));
        fs.mkdirSync(path.dirname(built), { recursive: true });
        fs.rmSync(built, { force: true });
        const a = await sh(`${plan.archiver.get(plan.coreArchive)} ${built} ${objs.join(' ')}`, ws.root, env);
        if (a.code !== 0) r.failed.push(`core archive: ${a.stderr.slice(0, 300)}`);
        fs.mkdirSync(path.dirname(coreCache), { recursive: true });
        fs.copyFileSync(built, coreCache);
        coreA = built;
      }
      r.coreSeconds = round((Date.now() - c0) / 1000);
    }
    // 4. link (always), objcopy, size.
    const l0 = Date.now();
    const args = link.args.flatMap((a) => {
      const archive = link.archives.get(a);
      if (archive === undefined) return [mapPath(a)];
      if (archive === plan.coreArchive) return [coreA];
      return plan.archiveUnits.get(archive)!.map((u) => mapPath(plan.units.get(u)!.object));
    });
    const elf = path.join(bf, `${link.name}.ino.elf`);
    const tool = (t: string) => `${link.bin}/${t}`;
    const steps = [link.guard, `${tool(link.linker)} ${args.join(' ')} -o ${elf}`];
    if (link.objcopy && link.hexFlags) steps.push(`${tool(link.objcopy)} ${link.hexFlags} ${elf} ${path.join(bf, `${link.name}.ino.hex`)}`);
    if (link.objcopy && link.eepFlags) steps.push(`${tool(link.objcopy)} ${link.eepFlags} ${elf} ${path.join(bf, `${link.name}.ino.eep`)}`);
    if (link.size) steps.push(`${tool(link.size)} -A ${elf} > ${path.join(bf, 'size.txt')}`);
    const l = await sh(steps.join(' && '), ws.root, env);
    if (l.code !== 0) r.failed.push(`${linkId}: ${l.stderr.slice(0, 300)}`);
    r.linkSeconds = round((Date.now() - l0) / 1000);
    r.seconds = round((Date.now() - e0) / 1000);
    results.push(r);
  }
  return {
    wallSeconds: round((Date.now() - t0) / 1000),
    loadAvg: [round(load0, 2), round(os.loadavg()[0], 2)],
    examples: results,
    compiled: results.reduce((s, r) => s + r.compiled, 0),
    reused: results.reduce((s, r) => s + r.reused, 0),
    coreFromCache: results.filter((r) => r.coreFromCache).length,
    failed: results.flatMap((r) => r.failed),
  };
}

/** `n` examples spread evenly over the sorted list (all when n ≥ the count). */
export function pickExamples(links: string[], n: number): string[] {
  const sorted = [...links].sort();
  if (n >= sorted.length) return sorted;
  return Array.from({ length: n }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / n)]);
}
