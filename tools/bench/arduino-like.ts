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
import { compileSegment, GraphTask } from './task-graph';
import { BenchWorkspace, nxEnv } from './workspace';

/** Shell words of a command segment ('...' and "..." quoting; `"$VAR"` kept verbatim for the shell). */
export function shellWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      cur += s.slice(i, end + 1);
      i = end;
      inWord = true;
    } else if (c === '"') {
      const end = s.indexOf('"', i + 1);
      cur += s.slice(i, end + 1);
      i = end;
      inWord = true;
    } else if (c === ' ') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

const unquote = (w: string) => (/^'.*'$/.test(w) ? w.slice(1, -1) : w);

/** `"$NAME"/rest` or `$NAME/rest` with the variable's value. */
function expandVars(s: string, env: Record<string, string | undefined>): string {
  return s.replace(/"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?/g, (_, name) => env[name] ?? '');
}

interface CompileUnit {
  id: string;
  /** The plugin's object path (workspace-relative, under `<outDir>/<board>/`). */
  object: string;
  /** The source as written in the command (may start with "$NXF_..._CORE"). */
  source: string;
  /** Sketch TUs: the plugin's `nx-fastled-task sketch` segment that writes `source`. */
  sketchSegment?: string;
  /** The command prefix (toolchain guard, mkdir) and the compiler invocation with `-o <object>.$$.tmp`. */
  prefix: string[];
  compile: string;
}

function parseCompile(t: GraphTask): CompileUnit {
  const segs = t.command!.split(' && ');
  const seg = compileSegment(t.command!);
  if (!seg) throw new Error(`${t.id}: no compiler invocation in its command`);
  const m = / (\S+) -o (\S+)\.\$\$\.tmp /.exec(seg);
  if (!m) throw new Error(`${t.id}: cannot find "<source> -o <object>.$$.tmp" in ${seg}`);
  const at = segs.indexOf(seg);
  const sketchSegment = segs.slice(0, at).find((s) => / sketch --out /.test(s));
  const prefix = segs.slice(0, at).filter((s) => s !== sketchSegment);
  return { id: t.id, object: m[2], source: m[1], sketchSegment, prefix, compile: seg };
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

function parseLink(t: GraphTask, archiveOut: Map<string, string>): LinkSpec {
  const segs = t.command!.split(' && ');
  const linkSeg = segs.find((s) => / link /.test(s) && / -- /.test(s));
  if (!linkSeg) throw new Error(`${t.id}: no link invocation`);
  const words = shellWords(linkSeg);
  const dd = words.indexOf('--');
  const opts = new Map<string, string>();
  for (let i = words.indexOf('link') + 1; i < dd; i++) if (words[i].startsWith('--')) opts.set(words[i].slice(2), words[++i]);
  const args = words.slice(dd + 1);
  const archives = new Map<string, string>();
  for (const a of args) if (archiveOut.has(a)) archives.set(a, archiveOut.get(a)!);
  return {
    id: t.id,
    name: opts.get('name')!,
    bin: opts.get('bin')!,
    linker: opts.get('linker')!,
    objcopy: opts.get('objcopy'),
    hexFlags: opts.has('hex-flags') ? unquote(opts.get('hex-flags')!) : undefined,
    eepFlags: opts.has('eep-flags') ? unquote(opts.get('eep-flags')!) : undefined,
    size: opts.get('size'),
    guard: segs[0],
    args,
    sketchUnits: t.deps.filter((d) => d.endsWith(':compile')),
    archives,
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

export function planFromGraph(tasks: GraphTask[], board: string): ArduinoPlan {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const units = new Map<string, CompileUnit>();
  for (const t of tasks) if (t.target === 'compile' && t.command) units.set(t.id, parseCompile(t));
  const anyObject = [...units.values()][0].object;
  const k = anyObject.indexOf(`/${board}/`);
  const outPrefix = anyObject.slice(0, k + board.length + 2);
  const archiveUnits = new Map<string, string[]>();
  const archiver = new Map<string, string>();
  const archiveOut = new Map<string, string>();
  let coreArchive: string | undefined;
  for (const t of tasks.filter((x) => x.target === 'archive' && x.command)) {
    archiveUnits.set(t.id, t.deps.filter((d) => units.has(d)));
    // `<tool> <flags> <out>.a.$$.tmp <objects...>`
    const seg = t.command!.split(' && ').find((s) => /^\S+ \S+ \S+\.a\.\$\$\.tmp /.test(s));
    if (!seg) throw new Error(`${t.id}: no archiver invocation`);
    const w = shellWords(seg);
    archiver.set(t.id, `${w[0]} ${w[1]}`);
    archiveOut.set(w[2].replace(/\.\$\$\.tmp$/, ''), t.id);
    if (t.project === `${board}/core`) coreArchive = t.id;
  }
  const links = tasks.filter((t) => t.target === 'link' && t.command).map((t) => parseLink(t, archiveOut));
  void byId;
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
  const files = text.slice(text.indexOf(': ') + 2).split(/\s+/).filter(Boolean);
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
  const coreCache = path.join(arduinoTmp, 'arduino', 'cores', `${plan.board}_${crypto.createHash('md5').update(coreDir).digest('hex')}`, 'core.a');
  const load0 = os.loadavg()[0];
  const t0 = Date.now();
  const results: ExampleResult[] = [];
  for (const linkId of examples) {
    const link = plan.links.find((l) => l.id === linkId)!;
    // arduino-cli's sketch is the folder of the main .ino, by absolute path.
    const mainUnit = link.sketchUnits.map((id) => plan.units.get(id)!).find((u) => u.sketchSegment);
    const exampleDir = path.join(ws.root, mainUnit ? path.dirname(sketchMain(mainUnit)) : link.id);
    const bf = path.join(arduinoTmp, 'arduino', 'sketches', crypto.createHash('md5').update(exampleDir).digest('hex').toUpperCase());
    const mapPath = (p: string) => (p.startsWith(plan.outPrefix) ? path.join(bf, p.slice(plan.outPrefix.length)) : p);
    const mapCommand = (c: string) => c.split(plan.outPrefix).join(`${bf}/`);
    const r: ExampleResult = { example: linkId, buildFolder: bf, seconds: 0, compiled: 0, reused: 0, coreSeconds: 0, coreFromCache: false, linkSeconds: 0, failed: [] };
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
      const compile = mapCommand(u.compile).replace(` -o ${object}.$$.tmp `, ` -MMD -o ${object} `);
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

/** The main `.ino` of a sketch TU (the first input of its sketch segment). */
function sketchMain(u: CompileUnit): string {
  const w = shellWords(u.sketchSegment!);
  const i = w.indexOf('--out');
  return w.slice(i + 2).find((x) => !x.startsWith('--') && /\.ino$/.test(x))!;
}

/** `n` examples spread evenly over the sorted list (all when n ≥ the count). */
export function pickExamples(links: string[], n: number): string[] {
  const sorted = [...links].sort();
  if (n >= sorted.length) return sorted;
  return Array.from({ length: n }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / n)]);
}
