// `verify`: checks that objects and archives are whole before they are archived or linked, and heals the
// local Nx cache when one is not.
//
//   nx-fastled-task verify [--no-heal] <file.o|file.a>...
//   nx-fastled-task seal <file>...            (writes <file>.sha256; a portable stand-in for `sha256sum`)
//
// Why: Nx 24 restores a cached output by copying the files of `<cacheDirectory>/<hash>/` back into the
// workspace; it never checks their content. A truncated or altered cached object is therefore restored as
// if it were good, the archive/link that consumes it reruns (its input hash changed) and, for an altered
// byte, links it into a firmware image without any error (see docs/RELIABILITY.md).
//
// Checks, per file:
//   1. `<file>.sha256` (written by the task that produced the file, cached with it as a declared output;
//      first 64 hex digits = sha256 of the file, so `sha256sum` output is accepted): must match. This is
//      what catches an altered byte.
//   2. structure: an ELF object's section table and every section's bytes lie inside the file; an `ar`
//      archive's members add up to exactly the file. This catches truncation even without a sidecar.
// A file that fails is reported with its cause; with healing on (the default), the workspace copy, its
// sidecar and every local cache entry holding a bad copy of it (`<cacheDirectory>/<hash>/<file>`) are
// removed, so the next run misses the cache for the task that produced it and rebuilds it. The failing
// step exits non-zero, so Nx never caches its result.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineCommand, parseCommand } from '../util/args';
import { writeAtomic } from '../util/atomic';
import { localCacheDirectory, localCacheEntries, removeLocalCacheEntry } from '../nx-compat';

export class CorruptInputError extends Error {}

export const SIDECAR_SUFFIX = '.sha256';

/** Why a file is not whole, or undefined when it is. */
export function checkFile(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const sidecar = `${file}${SIDECAR_SUFFIX}`;
  if (fs.existsSync(sidecar)) {
    const want = /^[0-9a-f]{64}/i.exec(fs.readFileSync(sidecar, 'latin1').trim())?.[0].toLowerCase();
    if (!want) return `its checksum file ${sidecar} is damaged (no sha256 in it)`;
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== want)
      return `sha256 ${got.slice(0, 16)}… does not match ${want.slice(0, 16)}… recorded in ${path.basename(sidecar)} when it was built`;
  }
  return structuralProblem(bytes, file);
}

export function structuralProblem(bytes: Buffer, file: string): string | undefined {
  if (file.endsWith('.o')) return elfProblem(bytes);
  if (file.endsWith('.a')) return arProblem(bytes);
  return undefined;
}

/** ELF relocatable objects (host and AVR; LTO objects are ELF too). */
export function elfProblem(b: Buffer): string | undefined {
  if (b.length < 52) return `truncated: ${b.length} bytes, smaller than an ELF header`;
  if (b.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF object (bad magic number)';
  const is64 = b[4] === 2;
  if (b[4] !== 1 && !is64) return `bad ELF class ${b[4]}`;
  if (b[5] !== 1 && b[5] !== 2) return `bad ELF data encoding ${b[5]}`;
  const le = b[5] === 1;
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const uN = (o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(o));
  if (is64 && b.length < 64) return `truncated: ${b.length} bytes, smaller than an ELF64 header`;
  const shoff = uN(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  if (shoff === 0 || shnum === 0) return undefined; // no section table (not what a compiler writes, but valid)
  const tableEnd = shoff + shentsize * shnum;
  if (tableEnd > b.length) return `truncated: the section table ends at byte ${tableEnd}, the file has ${b.length}`;
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    const type = u32(at + 4);
    const offset = uN(at + (is64 ? 0x18 : 0x10));
    const size = uN(at + (is64 ? 0x20 : 0x14));
    if (type !== 8 /* SHT_NOBITS */ && type !== 0 && offset + size > b.length) {
      return `truncated: section ${i} ends at byte ${offset + size}, the file has ${b.length}`;
    }
  }
  return undefined;
}

/** GNU/BSD `ar` archives as gcc-ar writes them (thin archives are not checked: they hold no member bytes). */
export function arProblem(b: Buffer): string | undefined {
  const magic = b.subarray(0, 8).toString('latin1');
  if (magic === '!<thin>\n') return undefined;
  if (magic !== '!<arch>\n') return b.length < 8 ? `truncated: ${b.length} bytes` : 'not an ar archive (bad magic)';
  let at = 8;
  while (at < b.length) {
    if (at + 60 > b.length) return `truncated: a member header at byte ${at} runs past the end (${b.length} bytes)`;
    if (b[at + 58] !== 0x60 || b[at + 59] !== 0x0a) return `damaged: bad member header at byte ${at}`;
    const size = Number(
      b
        .subarray(at + 48, at + 58)
        .toString('latin1')
        .trim(),
    );
    if (!Number.isInteger(size) || size < 0) return `damaged: bad member size at byte ${at}`;
    const end = at + 60 + size;
    if (end > b.length) return `truncated: the member at byte ${at} ends at byte ${end}, the file has ${b.length}`;
    const member = b.subarray(at + 60, end);
    // Members are objects: an archive made from a damaged object is itself well-formed, so look inside.
    if (member.length >= 4 && member.readUInt32BE(0) === 0x7f454c46) {
      const problem = elfProblem(member);
      if (problem) return `member ${memberName(b, at)} is damaged (${problem})`;
    }
    at = end + (end % 2);
  }
  return undefined;
}

/** A member's name: GNU `name/`, or `/<offset>` into the `//` long-name table. */
function memberName(b: Buffer, at: number): string {
  const raw = b
    .subarray(at, at + 16)
    .toString('latin1')
    .trim();
  const long = /^\/(\d+)$/.exec(raw);
  if (long) {
    const table = b.indexOf('//              ', 8, 'latin1');
    if (table >= 0) {
      const start = table + 60 + Number(long[1]);
      const stop = b.indexOf('/\n', start, 'latin1');
      if (stop > start) return b.subarray(start, stop).toString('utf8');
    }
  }
  return raw.replace(/\/$/, '');
}

/** Removes the cache entries `isBad` accepts (and their terminal outputs); returns the removed folders. */
function evictEntries(cacheDir: string, isBad: (entryDir: string) => boolean): string[] {
  const removed: string[] = [];
  for (const { hash, dir } of localCacheEntries(cacheDir)) {
    if (!isBad(dir)) continue;
    removeLocalCacheEntry(cacheDir, hash);
    removed.push(dir);
  }
  return removed;
}

/**
 * Removes every local cache entry whose copy of `rel` (workspace-relative) is bad: fails its own sidecar or
 * the structural check, or has exactly the bytes found bad in the workspace. Returns the removed folders.
 * Nx treats an entry whose folder is gone as a miss, so the task that produced `rel` runs again.
 */
export function evictFromLocalCache(cacheDir: string, rel: string, badBytes?: Buffer): string[] {
  return evictEntries(cacheDir, (dir) => {
    const copy = path.join(dir, rel);
    if (!fs.existsSync(copy)) return false;
    return (badBytes !== undefined && fs.readFileSync(copy).equals(badBytes)) || checkFile(copy) !== undefined;
  });
}

/** Names of the objects inside an archive that fail the structural check. */
function damagedMembers(archive: string): string[] {
  const m = /^member (.+?) is damaged/.exec(checkFile(archive) ?? '');
  return m ? [m[1]] : [];
}

/**
 * Evicts cache entries holding a damaged object named `basename` anywhere in them (the producer of a damaged
 * archive member: the archive only knows the member's file name).
 */
export function evictDamagedObjects(cacheDir: string, basename: string): string[] {
  const holdsDamaged = (dir: string): boolean => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() ? holdsDamaged(p) : e.name === basename && checkFile(p) !== undefined) return true;
    }
    return false;
  };
  return evictEntries(cacheDir, holdsDamaged);
}

export interface VerifyOptions {
  heal: boolean;
  workspaceRoot: string;
  env?: NodeJS.ProcessEnv;
}

/** Checks every file; throws one CorruptInputError naming each bad file, its cause and what was done. */
export function verifyInputs(files: string[], opts: VerifyOptions): void {
  const problems: string[] = [];
  const cacheDir = localCacheDirectory(opts.workspaceRoot, opts.env);
  for (const file of files) {
    const problem = checkFile(file);
    if (!problem) continue;
    let note = '';
    if (opts.heal) {
      const abs = path.resolve(opts.workspaceRoot, file);
      const rel = path.relative(opts.workspaceRoot, abs).split(path.sep).join('/');
      let bad: Buffer | undefined;
      try {
        bad = fs.readFileSync(abs);
      } catch {
        bad = undefined;
      }
      const members = file.endsWith('.a') ? damagedMembers(abs) : [];
      const evicted = rel.startsWith('..') ? [] : evictFromLocalCache(cacheDir, rel, bad);
      for (const m of members) evicted.push(...evictDamagedObjects(cacheDir, m));
      fs.rmSync(abs, { force: true });
      fs.rmSync(`${abs}${SIDECAR_SUFFIX}`, { force: true });
      note = evicted.length
        ? ` Removed it and the damaged local cache entr${evicted.length === 1 ? 'y' : 'ies'} ${evicted.map((e) => path.relative(opts.workspaceRoot, e) || e).join(', ')}; run the build again and the task that produces it will rebuild it.`
        : ' Removed it; run the build again and the task that produces it will rebuild it (if it is restored damaged again, clear the cache entry with `npx nx reset`).';
    }
    problems.push(
      `nx-fastled: ${file} is corrupt: ${problem}. It was probably restored from a damaged cache entry or left by an interrupted build; it was not used.${note}`,
    );
  }
  if (problems.length) throw new CorruptInputError(problems.join('\n'));
}

export const VERIFY_COMMAND = defineCommand({
  command: 'nx-fastled-task verify',
  usage: '[--no-heal] <file.o|file.a>...',
  about:
    'Checks that objects and archives are whole (checksum sidecar, ELF/ar structure) before they are archived or linked. ' +
    'A damaged one is removed with the local cache entries holding it, so the next run rebuilds it.',
  options: { 'no-heal': { type: 'boolean', description: 'report damaged files, remove nothing' } },
  minPositionals: 1,
});

export function runVerify(argv: string[]): void {
  const args = parseCommand(VERIFY_COMMAND, argv);
  if (!args) return;
  verifyInputs(args.positionals, { heal: !args.values['no-heal'], workspaceRoot: process.cwd() });
}

export const SEAL_COMMAND = defineCommand({
  command: 'nx-fastled-task seal',
  usage: '<file>...',
  about: 'Writes <file>.sha256 (the format of sha256sum) beside each file, atomically. A portable stand-in for sha256sum.',
  options: {},
  minPositionals: 1,
});

/** `seal`: writes `<file>.sha256` (same format as `sha256sum`), atomically. */
export function runSeal(argv: string[]): void {
  const args = parseCommand(SEAL_COMMAND, argv);
  if (!args) return;
  for (const file of args.positionals) {
    const digest = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    writeAtomic(`${file}${SIDECAR_SUFFIX}`, `${digest}  ${path.basename(file)}\n`);
  }
}
