// Plan steps rendered as /bin/sh commands, run from the workspace root (what `nx:run-commands` executes).
//
// Every literal argument is single-quoted unless it is plainly safe; toolchain and core locations are
// referenced through environment variables named after the toolchain identity (PlanBoard.env), so the hashed
// command holds no absolute path and a toolchain that changed since the graph was computed fails loudly
// instead of being used under the old identity's cache keys. Each output is written to a per-process
// temporary name (util/atomic's, with the shell's `$$`) and renamed into place with a sha256 sidecar, so
// nothing half-written is ever published.
import * as path from 'node:path/posix';
import { tempName } from '../util/atomic';
import type { ArchiveStep, Arg, CompileStep, EnvRefs, LinkStep, PlanBoard } from './types';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function renderArg(arg: Arg, env: EnvRefs): string {
  if (typeof arg === 'string') return quote(arg);
  const v = arg.root === 'bin' ? env.bin : arg.root === 'variant' ? env.variant : arg.root === 'sketchbook' ? env.sketchbook : env.core;
  return arg.rel === '.' || arg.rel === '' ? `"$${v}"` : `"$${v}"/${quote(arg.rel)}`;
}

export function renderCommand(args: Arg[], env: EnvRefs): string {
  return args.map((a) => renderArg(a, env)).join(' ');
}

/** A guard that stops the command with a clear message when the toolchain variables are not set. */
export function guard(board: string, env: EnvRefs): string {
  const msg = `nx-fastled: ${board} toolchain not prepared (changed since the graph was computed?): run npx nx reset`;
  return `: "\${${env.bin}:?${msg.replace(/["$`\\]/g, '')}}"`;
}

/** Stops a TU that reads a sketchbook library when the sketchbook's location was not exported. */
function sketchbookGuard(env: EnvRefs): string {
  return `: "\${${env.sketchbook}:?nx-fastled: the sketchbook folder is not prepared (option sketchbook changed since the graph was computed?): run npx nx reset}"`;
}

/** The task CLI as commands call it, and the digest of its code (sketch and link output depend on it). */
export interface TaskTool {
  /** Workspace-relative path of `bin/nx-fastled-task.cjs`. */
  path: string;
  hash: string;
}

/** First segment of every step's command: the toolchain guard, and the full identity so the key has it. */
export function prelude(b: PlanBoard): string {
  return `${guard(b.name, b.env)} toolchain=${b.resolved.identity}`;
}

/** `file`'s temporary name as a command writes it: `<dir>/.<name>.$$.tmp` (util/atomic's scheme). */
export function shellTempName(file: string): string {
  const [before, after] = tempName(file, '\0').split('\0');
  return `${quote(before)}$$${quote(after)}`;
}

function publish(file: string): string {
  const q = quote(file);
  const tmp = shellTempName(file);
  const sidecarTmp = shellTempName(`${file}.sha256`);
  // Nx restores cached outputs without checking them: consumers verify the sidecar. The object goes last.
  return `sha256sum < ${tmp} > ${sidecarTmp} && mv -f ${sidecarTmp} ${q}.sha256 && mv -f ${tmp} ${q}`;
}

function toolCall(tool: TaskTool, args: string): string {
  return `NXF_TOOL=${tool.hash} node ${quote(tool.path)} ${args}`;
}

/**
 * With `-g`, gcc writes its working directory into the object (debug info, LTO objects too), so two checkouts
 * would compile different bytes. gcc takes that directory from $PWD when $PWD names the current directory:
 * /proc/self/cwd always does, on Linux, and reads the same in every checkout. (gcc 5 has no -ffile-prefix-map,
 * and -fdebug-prefix-map records its own absolute argument in LTO objects.) Without /proc, gcc falls back to
 * getcwd(): the object is the same program, only not byte-identical across checkouts.
 */
export const DEBUG_PWD = 'PWD=/proc/self/cwd';

/** The compiler invocation alone (writes the object's shellTempName); a substring of `compileCommand`. */
export function compileInvocation(step: CompileStep, env: EnvRefs): string {
  return [
    ...(step.flags.some((f) => /^-g/.test(f.value)) ? [DEBUG_PWD] : []),
    renderArg(step.program, env),
    ...step.flags.map((f) => quote(f.value)),
    ...step.includeDirs.map(({ dir }) => (typeof dir === 'string' ? quote(`-I${dir}`) : `-I${renderArg(dir, env)}`)),
    renderArg(step.source, env),
    '-o',
    shellTempName(step.object),
  ].join(' ');
}

/** The `nx-fastled-task sketch` call that writes a sketch step's generated `.cpp`. */
export function sketchInvocation(step: CompileStep, tool: TaskTool): string | undefined {
  const s = step.sketch;
  if (!s) return undefined;
  // `--name=value`: a value may start with `-` or `#`, which the task CLI's argument parser must not read as a flag.
  const append = s.append.map((line) => ` --append=${quote(line)}`).join('');
  return toolCall(tool, `sketch --out ${quote(s.cpp)}${append} ${s.inoFiles.map(quote).join(' ')}`);
}

/**
 * After a compile of workspace sources: `nx-fastled-task inputs` checks that nothing the compiler read (its
 * depfile) nor the `.ino` files the sketch step read changed since Nx hashed the workspace for this run
 * (hashing/input-manifest.ts), before the object is published. Not keyed on the task CLI's digest: the check
 * never changes what the object holds.
 */
export function inputsCheck(step: CompileStep, tool: TaskTool): string {
  const q = quote(step.object);
  const generated = step.sketch ? ` --generated ${quote(step.sketch.cpp)}` : '';
  const read = step.sketch ? ` -- ${step.sketch.inoFiles.map(quote).join(' ')}` : '';
  return `node ${quote(tool.path)} inputs --depfile ${q}.$$.d --object ${shellTempName(step.object)} --output ${q}${generated}${read}`;
}

export function compileCommand(step: CompileStep, b: PlanBoard, tool: TaskTool): string {
  // gcc names the file and line; say what was compiled for which board and where headers were looked for,
  // which is what a missing `#include` needs next.
  const searched = step.includeDirs.map(({ dir }) => (typeof dir === 'string' ? dir : `<${b.name} ${dir.root}>/${dir.rel}`)).join(', ');
  const advice = step.advice ?? [];
  const hint = `nx-fastled: ${step.unit} did not compile for ${b.name}; headers were searched in: ${searched}.${advice.length ? ` ${advice.join(' ')}` : ''}`;
  // Library resolution ran when the graph was computed: a header the compiler still cannot find, with no
  // advice from it, is one that no library available to this build offers. Name each such header.
  const err = `${quote(step.object)}.err.$$`;
  const perHeader = advice.length
    ? ''
    : `; sed -n 's/^.*fatal error: \\(.*\\): No such file or directory$/\\1/p' ${err} | while IFS= read -r h; do printf 'nx-fastled: %s: no library available to this build offers it (the workspace and the %s platform were searched): add the library that provides it to the workspace, or install it with arduino-cli lib install <its name> and set the "sketchbook" option; if the code includes it only for other boards, it does not support %s.\\n' "$h" ${quote(b.name)} ${quote(b.name)}; done >&2`;
  const failing = `{ cat ${err} >&2; printf '%s\\n' ${quote(hint)} >&2${perHeader}; rm -f ${err}; exit 1; }`;
  const sketch = sketchInvocation(step, tool);
  // Workspace TUs (not the core, which reads no workspace file) write a depfile for the inputs check.
  const depfile = step.inputs ? ` -MD -MF ${quote(step.object)}.$$.d` : '';
  const keys = step.keys?.length ? ` ${step.keys.join(' ')}` : '';
  const usesSketchbook = [step.source, ...step.includeDirs.map((d) => d.dir)].some((a) => typeof a !== 'string' && a.root === 'sketchbook');
  return [
    `${prelude(b)}${keys}`,
    ...(usesSketchbook ? [sketchbookGuard(b.env)] : []),
    `mkdir -p ${quote(path.dirname(step.object))}`,
    ...(sketch ? [sketch] : []),
    `{ ${compileInvocation(step, b.env)}${depfile} 2>${err} || ${failing}; } && { cat ${err} >&2; rm -f ${err}; }`,
    ...(step.inputs ? [inputsCheck(step, tool)] : []),
    publish(step.object),
  ].join(' && ');
}

/** The archiver invocation alone (writes the archive's shellTempName). */
export function archiveInvocation(step: ArchiveStep, env: EnvRefs): string {
  return [
    renderArg(step.program, env),
    ...step.flags.map((f) => quote(f.value)),
    shellTempName(step.archive),
    ...step.objects.map(quote),
  ].join(' ');
}

export function archiveCommand(step: ArchiveStep, b: PlanBoard, tool: TaskTool): string {
  // Objects come from the cache unchecked: verify them (sidecar checksum and structure) before archiving.
  const verify = toolCall(tool, `verify ${step.objects.map(quote).join(' ')}`);
  return [prelude(b), `mkdir -p ${quote(path.dirname(step.archive))}`, verify, archiveInvocation(step, b.env), publish(step.archive)].join(
    ' && ',
  );
}

/** The linker's arguments in order: flags, objects, archives (whole ones grouped), libraries. */
export function linkArgs(step: LinkStep): string[] {
  const args: string[] = [...step.flags.map((f) => f.value), ...step.objects];
  let inWhole = false;
  for (const a of step.archives) {
    if (a.whole !== inWhole) args.push(a.whole ? '-Wl,--whole-archive' : '-Wl,--no-whole-archive');
    inWhole = a.whole;
    args.push(a.file);
  }
  if (inWhole) args.push('-Wl,--no-whole-archive');
  return [...args, ...step.libs.map((f) => f.value)];
}

export function linkCommand(step: LinkStep, b: PlanBoard, tool: TaskTool): string {
  const toolArgs: string[] = [
    'link',
    '--board',
    b.name,
    '--out-dir',
    quote(step.outDir),
    '--name',
    quote(step.name),
    '--linker',
    quote(step.program),
  ];
  if (step.sketch) toolArgs.push('--sketch', quote(step.sketch));
  if (step.objcopy) toolArgs.push('--objcopy', quote(step.objcopy.program), `--hex-flags=${quote(step.objcopy.hex.join(' '))}`);
  if (step.objcopy?.eep) toolArgs.push(`--eep-flags=${quote(step.objcopy.eep.join(' '))}`);
  if (step.size) toolArgs.push('--size', quote(step.size));
  if (step.sizeRegex?.flash) toolArgs.push(`--size-regex=${quote(step.sizeRegex.flash)}`);
  if (step.sizeRegex?.data) toolArgs.push(`--size-regex-data=${quote(step.sizeRegex.data)}`);
  if (step.limits?.flash !== undefined) toolArgs.push('--flash-limit', String(step.limits.flash));
  if (step.limits?.ram !== undefined) toolArgs.push('--ram-limit', String(step.limits.ram));
  return [prelude(b), `${toolCall(tool, toolArgs.join(' '))} --bin "$${b.env.bin}" -- ${linkArgs(step).map(quote).join(' ')}`].join(' && ');
}
