/**
 * Validation of an uploaded cache entry before it is published.
 *
 * Nx 24 stores a task's outputs as a gzip-compressed tar: the output files at workspace-relative paths (GNU
 * headers), plus two members `terminalOutput` and `code`. Nx extracts whatever it gets into the workspace, so
 * one bad upload stored under a real hash breaks (or plants files into) every later run that needs the task.
 * An entry is accepted only when it is a complete gzip stream holding a well-formed tar whose members are
 * relative paths without `..`, whose links stay inside the archive without passing through another link,
 * whose types are plain files, directories or such links (no devices, FIFOs or unknown types), and whose
 * member count and unpacked size are sane. With `requireNxMembers`, `code` and `terminalOutput` must be there.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';

export interface EntryLimits {
  /** Sum of the members' sizes (what extraction would write). */
  maxUnpackedBytes: number;
  maxMembers: number;
  /** `code` and `terminalOutput` must be present (what Nx 24 writes and reads back). */
  requireNxMembers: boolean;
}

export const DEFAULT_ENTRY_LIMITS: EntryLimits = {
  maxUnpackedBytes: 16 * 1024 ** 3,
  maxMembers: 200_000,
  requireNxMembers: true,
};

export interface EntryMember {
  path: string;
  type: string;
  size: number;
  linkpath?: string;
}

export type EntryCheck =
  { ok: true; members: EntryMember[]; unpackedBytes: number } | { ok: false; reason: string; members: EntryMember[] };

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const MAX_PATH = 4096;
const MAX_LISTED = 5_000;

/** Checks the entry stored in `file`. Never throws for bad content; the reason names the first problem found. */
export async function checkEntryFile(file: string, limits: EntryLimits = DEFAULT_ENTRY_LIMITS): Promise<EntryCheck> {
  const members: EntryMember[] = [];
  let problem: string | undefined;
  let unpacked = 0;
  let count = 0;
  const symlinks = new Set<string>();
  const seenFiles = new Set<string>();
  const allPaths: string[] = [];
  const linkTargets: Array<{ member: string; base: string; rel: string }> = [];

  const fail = (why: string) => {
    problem ??= why;
  };

  let sawMagic = false;
  const parser = new Parser({ strict: true });
  parser.on('warn', (_code: string, message: string | Error) => fail(`not a valid tar: ${String((message as Error)?.message ?? message)}`));
  parser.on('entry', (e: ReadEntry) => {
    e.resume();
    if (problem) return;
    count++;
    if (count > limits.maxMembers) return fail(`more than ${limits.maxMembers} members`);
    const p = normalizeMember(e.path);
    if (typeof p !== 'string') return fail(`member ${JSON.stringify(e.path.slice(0, 200))}: ${p.error}`);
    const size = Number(e.size ?? 0);
    if (!Number.isSafeInteger(size) || size < 0) return fail(`member ${p}: bad size`);
    unpacked += size;
    if (unpacked > limits.maxUnpackedBytes) return fail(`unpacked size over ${limits.maxUnpackedBytes} bytes`);
    const m: EntryMember = { path: p, type: String(e.type), size };
    if (e.type === 'SymbolicLink' || e.type === 'Link') {
      const target = String(e.linkpath ?? '');
      m.linkpath = target;
      if (!target || target.startsWith('/') || target.includes('\0') || target.includes('\\') || /^[A-Za-z]:/.test(target)) {
        return fail(`member ${p}: link target ${JSON.stringify(target.slice(0, 200))} is absolute or invalid`);
      }
      if (e.type === 'SymbolicLink') {
        symlinks.add(p);
        linkTargets.push({ member: p, base: dirname(p), rel: target });
      } else {
        // A hard link names an earlier member by its archive path.
        const t = normalizeMember(target);
        if (typeof t !== 'string' || !seenFiles.has(t))
          return fail(`member ${p}: hard link to ${JSON.stringify(target.slice(0, 200))}, which is not an earlier file of the entry`);
        linkTargets.push({ member: p, base: '', rel: t });
      }
    } else if (FILE_TYPES.has(String(e.type))) {
      seenFiles.add(p);
    } else if (e.type !== 'Directory') {
      return fail(`member ${p}: type ${e.type} is not allowed (only files, directories and links inside the entry)`);
    }
    allPaths.push(p);
    if (members.length < MAX_LISTED) members.push(m);
  });

  // The parser stops emitting (no 'end', no 'drain') after an error, so every wait also ends on an error.
  let parserFailed = false;
  const stopped = new Promise<void>((resolve) => {
    parser.on('error', (e: Error) => {
      parserFailed = true;
      fail(`not a valid gzip tar: ${e.message}`);
      resolve();
    });
    parser.on('end', () => resolve());
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (!sawMagic) {
        if (chunk.length < 2 || chunk[0] !== 0x1f || chunk[1] !== 0x8b) {
          fail('not gzip-compressed (Nx entries are .tar.gz)');
          return cb(new Error('stop'));
        }
        sawMagic = true;
      }
      if (problem || parserFailed) return cb(new Error('stop'));
      // Parser.write returns false under backpressure; it always consumes the chunk.
      if (parser.write(chunk)) cb();
      else void Promise.race([new Promise((r) => parser.once('drain', r)), stopped]).then(() => cb());
    },
    final(cb) {
      if (parserFailed) return cb();
      parser.end();
      void stopped.then(() => cb());
    },
  });

  try {
    await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), sink);
  } catch (e) {
    if (!problem) fail(`unreadable: ${(e as Error).message}`);
  }
  if (!problem && !sawMagic) fail('empty entry');
  if (!problem && count === 0) fail('the tar has no members');
  if (!problem) {
    // A path (or a link's lexical target) that passes *through* a symlink could leave the tree at extraction.
    for (const p of allPaths) {
      const through = throughSymlink(p, symlinks);
      if (through) {
        fail(`member ${p} passes through the symlink ${through}`);
        break;
      }
    }
    for (const { member, base, rel } of linkTargets) {
      if (problem) break;
      const why = walkLink(base, rel, symlinks);
      if (why) fail(`member ${member}: link target ${JSON.stringify(rel.slice(0, 200))} ${why}`);
    }
  }
  if (!problem && limits.requireNxMembers) {
    for (const required of ['code', 'terminalOutput']) {
      if (!seenFiles.has(required)) {
        fail(`no '${required}' member: not an Nx cache entry`);
        break;
      }
    }
  }
  return problem ? { ok: false, reason: problem, members } : { ok: true, members, unpackedBytes: unpacked };
}

/** A member path made canonical (`./a//b/` → `a/b`), or why it is refused. */
export function normalizeMember(raw: string): string | { error: string } {
  if (typeof raw !== 'string' || raw.length === 0) return { error: 'empty path' };
  if (raw.length > MAX_PATH) return { error: 'path too long' };
  if (raw.includes('\0')) return { error: 'NUL in path' };
  if (raw.includes('\\')) return { error: 'backslash in path' };
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return { error: 'absolute path' };
  const parts = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.some((s) => s === '..')) return { error: "'..' in path" };
  if (parts.length === 0) return { error: 'empty path' };
  return parts.join('/');
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/**
 * Resolves a link target from the link's folder step by step, the way extraction followed by a lookup would:
 * refused when it climbs above the entry's root, or when it steps through another symlink of the entry (whose
 * own target would make the lexical answer wrong), or when it resolves to the root itself.
 */
function walkLink(base: string, rel: string, symlinks: Set<string>): string | undefined {
  const stack = base ? base.split('/') : [];
  const steps = rel.split('/').filter((s) => s !== '' && s !== '.');
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s === '..') {
      if (!stack.length) return 'points outside the entry';
      stack.pop();
    } else {
      stack.push(s);
      if (i < steps.length - 1 && symlinks.has(stack.join('/'))) return `passes through the symlink ${stack.join('/')}`;
    }
  }
  return stack.length ? undefined : 'points at the root of the entry';
}

/** The first proper prefix of `p` that is a symlink member, if any. */
function throughSymlink(p: string, symlinks: Set<string>): string | undefined {
  if (symlinks.size === 0) return undefined;
  const parts = p.split('/');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (symlinks.has(prefix)) return prefix;
  }
  return undefined;
}
