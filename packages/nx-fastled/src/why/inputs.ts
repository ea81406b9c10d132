// "Why did this task run?": what a task's hash was made of, recorded after every run, and the reasons a task
// that was not a cache hit ran, found by comparing its inputs with the last recorded run of the same task.
// Domain code: no Nx imports. The plugin (plugin/why.ts) turns Nx's hash details into `TaskInputs`.
//
// Record file (`<workspace-data>/nx-fastled/task-inputs.json`, written to a temporary name and renamed):
//   { "version": 1, "tasks": { "<task id>": TaskInputs } }
// Only the tasks of a run are replaced; every other task keeps its last record. Paths are workspace-relative;
// hashes are Nx's (decimal strings); nothing absolute is stored.
// Index file (`task-hashes.json` beside it, written after the records): { "version": 1, "tasks": { "<task id>":
// "<hash>" } }, the hash of every record. A run whose tasks all hit with their recorded hash has nothing to
// record or explain, and with the index it never reads the records (81 MB for FastLED on 27 boards, 0.7 s).
import * as fs from 'node:fs';
import { writeAtomic } from '../util/atomic';

export interface TaskInputs {
  /** Nx's hash of the task in that run. */
  hash: string;
  /** Workspace files the hash covers (the TU, the headers of its include closure, precompiled archives): path -> content hash. */
  files: Record<string, string>;
  /** Outputs of dependency tasks the hash covers, by the dependency's first output file -> hash. */
  deps: Record<string, string>;
  /** The command with the toolchain identity and the task CLI digest replaced by placeholders. */
  command?: string;
  /** The toolchain identity the command carries (`toolchain=<sha256>`). */
  toolchain?: string;
  /** Digest of nx-fastled's task CLI code the command carries (`NXF_TOOL=`). */
  tool?: string;
  /** Every other part of Nx's hash (environment, Nx configuration files, the project's configuration). */
  other: Record<string, string>;
}

export interface InputsFile {
  version: 1;
  tasks: Record<string, TaskInputs>;
}

export type ReasonKind = 'new' | 'not-cached' | 'source' | 'header' | 'file' | 'flag' | 'toolchain' | 'tool' | 'dependency' | 'config';

export interface Reason {
  kind: ReasonKind;
  /** What changed: a path, a flag (`-O1 -> -O2`, `+-DX`), an identity (`3f2a… -> 91bc…`), a dependency's output. */
  subject: string;
}

/** How each kind reads in the terminal and the report, in the order they are listed. */
export const REASON_LABEL: Record<ReasonKind, string> = {
  source: 'source changed',
  header: 'header changed',
  file: 'input file changed',
  flag: 'flags changed',
  toolchain: 'toolchain identity changed',
  tool: "nx-fastled's task code changed",
  dependency: "a dependency's output changed",
  config: 'Nx configuration changed',
  'not-cached': 'inputs unchanged, not in the cache',
  new: 'no earlier run recorded',
};
export const REASON_ORDER = Object.keys(REASON_LABEL) as ReasonKind[];

const SOURCE = /\.(c|cc|cpp|cxx|c\+\+|s|ino|pde)$/i;
const HEADER = /\.(h|hh|hpp|hxx|h\+\+|inc|ipp|tpp|tcc|inl)$/i;
const NX_CONFIG = new Set(['nx.json', '.gitignore', '.nxignore', 'nx-fastled.json', 'package.json']);

function fileKind(file: string): ReasonKind {
  if (NX_CONFIG.has(file)) return 'config';
  if (SOURCE.test(file)) return 'source';
  if (HEADER.test(file)) return 'header';
  return 'file';
}

/** At most this many subjects per kind (a flag change can touch many tokens; a header, hundreds of TUs). */
const MAX_SUBJECTS = 4;

/**
 * Why a task that was not a cache hit ran: every input that differs from the previous record. With no
 * previous record, `new`; with identical hashes (the cache lost the entry, or the run skipped the cache),
 * `not-cached`.
 */
export function whyRan(previous: TaskInputs | undefined, current: TaskInputs): Reason[] {
  if (!previous) return [{ kind: 'new', subject: 'first run of this task recorded here' }];
  if (previous.hash === current.hash) return [{ kind: 'not-cached', subject: `hash ${current.hash} unchanged` }];
  const out: Reason[] = [];
  const files = new Set([...Object.keys(previous.files), ...Object.keys(current.files)]);
  for (const f of [...files].sort()) {
    const a = previous.files[f];
    const b = current.files[f];
    if (a === b) continue;
    const how = a === undefined ? ' (now read)' : b === undefined ? ' (no longer read)' : '';
    out.push({ kind: fileKind(f), subject: `${f}${how}` });
  }
  if (previous.toolchain !== current.toolchain) {
    out.push({ kind: 'toolchain', subject: `${short(previous.toolchain)} -> ${short(current.toolchain)}` });
  }
  if (previous.tool !== current.tool) out.push({ kind: 'tool', subject: `${short(previous.tool)} -> ${short(current.tool)}` });
  if ((previous.command ?? '') !== (current.command ?? '')) {
    const changes = flagChanges(previous.command ?? '', current.command ?? '');
    for (const c of changes.length ? changes : ['the command']) out.push({ kind: 'flag', subject: c });
  }
  const deps = new Set([...Object.keys(previous.deps), ...Object.keys(current.deps)]);
  for (const d of [...deps].sort()) {
    if (previous.deps[d] !== current.deps[d]) out.push({ kind: 'dependency', subject: d });
  }
  const explained = out.length > 0;
  const other = new Set([...Object.keys(previous.other), ...Object.keys(current.other)]);
  for (const o of [...other].sort()) {
    if (previous.other[o] === current.other[o]) continue;
    // The project's configuration holds the command and the input list: a changed flag or a header newly
    // read already says why it moved.
    // Another project's configuration is in the hash when the task reads its named inputs (the headers the
    // sketches read, plugin/shared-inputs.ts): a header newly read or no longer read moves it too.
    const owner = /^(.+):ProjectConfiguration$/.exec(o)?.[1];
    if ((o === 'ProjectConfiguration' || owner) && explained) continue;
    const subject =
      o === 'ProjectConfiguration'
        ? "the project's configuration (inputs, outputs or tags)"
        : owner
          ? `the configuration of ${owner} (the headers its sketches read, or its tags and targets)`
          : o;
    out.push({ kind: 'config', subject });
  }
  if (out.length === 0) out.push({ kind: 'config', subject: 'a part of the hash nx-fastled does not record' });
  return limit(out);
}

function limit(reasons: Reason[]): Reason[] {
  const seen = new Map<ReasonKind, number>();
  const out: Reason[] = [];
  for (const r of reasons) {
    const n = (seen.get(r.kind) ?? 0) + 1;
    seen.set(r.kind, n);
    if (n <= MAX_SUBJECTS) out.push(r);
    else if (n === MAX_SUBJECTS + 1) out.push({ kind: r.kind, subject: 'and more' });
  }
  return out;
}

function short(hash: string | undefined): string {
  return hash ? hash.slice(0, 12) : 'none';
}

/** Tokens removed and added between two commands, paired as `old -> new` when one replaces one. */
export function flagChanges(before: string, after: string): string[] {
  const count = (tokens: string[]) => {
    const m = new Map<string, number>();
    for (const t of tokens) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  };
  const a = count(tokenize(before));
  const b = count(tokenize(after));
  const removed: string[] = [];
  const added: string[] = [];
  for (const [t, n] of a) for (let i = b.get(t) ?? 0; i < n; i++) removed.push(t);
  for (const [t, n] of b) for (let i = a.get(t) ?? 0; i < n; i++) added.push(t);
  if (removed.length === 1 && added.length === 1) return [`${removed[0]} -> ${added[0]}`];
  return [...removed.map((t) => `-${t}`), ...added.map((t) => `+${t}`)];
}

function tokenize(command: string): string[] {
  return command.split(/\s+/).filter(Boolean);
}

/**
 * The parts of a command that say which toolchain and which task code it uses, and the command without them
 * (so a new toolchain is one reason, not a changed flag in every environment variable name).
 */
export function splitCommand(command: string): { command: string; toolchain?: string; tool?: string } {
  const toolchain = /\btoolchain=([0-9a-f]{16,})/.exec(command)?.[1];
  const tool = /\bNXF_TOOL=([0-9a-f]+)/.exec(command)?.[1];
  let rest = command.replace(/\btoolchain=[0-9a-f]{16,}/g, 'toolchain=<identity>').replace(/\bNXF_TOOL=[0-9a-f]+/g, 'NXF_TOOL=<tool>');
  if (toolchain) rest = rest.split(`_${toolchain.slice(0, 12)}_`).join('_<identity>_');
  return { command: rest, ...(toolchain ? { toolchain } : {}), ...(tool ? { tool } : {}) };
}

export function readInputs(file: string): InputsFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as InputsFile;
    if (parsed?.version === 1 && parsed.tasks && typeof parsed.tasks === 'object') return parsed;
  } catch {
    // missing or unreadable: every task of this run counts as new
  }
  return { version: 1, tasks: {} };
}

/** The index's task hashes, or undefined when it is missing or unreadable (then the records must be read). */
export function readIndex(file: string): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: number; tasks?: Record<string, string> };
    if (parsed?.version === 1 && parsed.tasks && typeof parsed.tasks === 'object') return parsed.tasks;
  } catch {
    // missing or unreadable
  }
  return undefined;
}

/** Replaces the records of this run's tasks and writes the file atomically, then the index beside it. */
export function writeInputs(file: string, previous: InputsFile, run: Record<string, TaskInputs>, indexFile?: string): void {
  const tasks = { ...previous.tasks, ...run };
  const ids = Object.keys(tasks).sort();
  writeAtomic(file, JSON.stringify({ version: 1, tasks: Object.fromEntries(ids.map((k) => [k, tasks[k]])) }));
  if (indexFile) writeAtomic(indexFile, JSON.stringify({ version: 1, tasks: Object.fromEntries(ids.map((k) => [k, tasks[k].hash])) }));
}

/** Counts per kind and the most frequent subjects, for the end-of-run lines. */
export function reasonSummary(reasons: Record<string, Reason[]>): { kind: ReasonKind; tasks: number; subjects: [string, number][] }[] {
  const byKind = new Map<ReasonKind, { tasks: Set<string>; subjects: Map<string, number> }>();
  for (const [task, list] of Object.entries(reasons)) {
    for (const r of list) {
      const k = byKind.get(r.kind) ?? byKind.set(r.kind, { tasks: new Set(), subjects: new Map() }).get(r.kind)!;
      k.tasks.add(task);
      if (r.subject !== 'and more') k.subjects.set(r.subject, (k.subjects.get(r.subject) ?? 0) + 1);
    }
  }
  return REASON_ORDER.filter((k) => byKind.has(k)).map((kind) => {
    const k = byKind.get(kind)!;
    return { kind, tasks: k.tasks.size, subjects: [...k.subjects].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)) };
  });
}

/** One line per reason kind: `nx-fastled: 24 tasks ran because a header changed: src/a.h (24), src/b.h (3)`. */
export function reasonLines(reasons: Record<string, Reason[]>): string[] {
  const summary = reasonSummary(reasons);
  if (!summary.length) return [];
  return summary.map(({ kind, tasks, subjects }) => {
    const shown = subjects.slice(0, 3).map(([s, n]) => (kind === 'new' || kind === 'not-cached' ? s : `${s} (${n})`));
    const more = subjects.length > 3 ? `, ${subjects.length - 3} more` : '';
    const what = kind === 'new' || kind === 'not-cached' ? '' : `: ${shown.join(', ')}${more}`;
    return `nx-fastled: ran ${tasks} task${tasks === 1 ? '' : 's'}, ${REASON_LABEL[kind]}${what}`;
  });
}
