// Sketch TUs' header inputs as named inputs of the projects that own the headers.
//
// Why: Nx hashes a task's `{workspaceRoot}/...` file inputs as one list, and remembers the result only for an
// identical list. Every sketch TU of a library includes the library's main header, so on a board they share one
// large include closure (FastLED uno: 782 headers) but each list also names the sketch's own files, and Nx
// matched all 31 lists against the workspace again: most of a warm, nothing-changed run's hashing time.
// Moved into a named input of the project that owns the files (`{ input, projects }`), the shared part is one
// instruction Nx hashes once per command (it keys those by project and file list), and the task JSON shrinks.
//
// The input stays exact: each named input lists the very files of the closure, nothing more. Nx also hashes
// the owning project's configuration (which holds the named inputs) into each such task, so the named inputs
// must not change with everyday edits: a library holds one per board, the list most of its sketches share
// there (a sketch reaching other headers, or a new example, keeps plain entries); it changes when the headers
// that shared closure reaches change, which re-keys those sketches anyway on the board where it happens (on
// other boards too, if they share the library). An example holds its own files' lists: only its TUs read them.
// Library and core TUs keep their own lists: their closures differ from each other and would share nothing.
//
// Ownership: Nx gives a file to the project with the deepest root containing it, and a named input of a
// project matches only files it owns. So a file goes to the deepest nx-fastled project (library or example)
// above it, unless a folder between them holds a `project.json` or `package.json` (another plugin's project
// could own it): such files keep their `{workspaceRoot}` entry. createDependencies checks the result against
// Nx's real file map (checkSharedInputs) and fails with the file's name rather than key a task on a file Nx
// did not hash.
//
// Named input: `nx-fastled-inputs-<12 hex of sha256 over the sorted file list>` with `{projectRoot}/<path>`
// entries, sorted.
import { createHash } from 'node:crypto';
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';

export const SHARED_INPUT_PREFIX = 'nx-fastled-inputs-';
const WS = '{workspaceRoot}/';
const PROJECT_ROOT = '{projectRoot}/';
const GLOB = /[*?[\]{}!]/;

interface Owner {
  name: string;
  root: string;
  project: ProjectConfiguration;
}

/**
 * Rewrites the file inputs of every sketch compile target in `projects` (all createNodes results' projects,
 * keyed by root). `allFiles`: every workspace file Nx sees (for the foreign-project guard).
 */
export function shareSketchInputs(projects: Record<string, ProjectConfiguration>, allFiles: readonly string[]): void {
  // Every root of ours is a boundary (a failing example owns its folder too); only libraries and examples
  // that build hold named inputs.
  const byRoot = new Map<string, Owner | undefined>();
  for (const [root, p] of Object.entries(projects)) {
    const tags = p.tags ?? [];
    const owns = (tags.includes('nx-fastled:library') && !tags.includes('nx-fastled:tu')) || tags.includes('nx-fastled:example');
    byRoot.set(root, owns && !tags.includes('nx-fastled:invalid') && p.name ? { name: p.name, root, project: p } : undefined);
  }
  // Folders another plugin could make a project of.
  for (const f of allFiles) {
    const base = f.slice(f.lastIndexOf('/') + 1);
    if ((base === 'project.json' || base === 'package.json') && !byRoot.has(parent(f))) byRoot.set(parent(f), undefined);
  }
  const ownerOf = (file: string): Owner | undefined => {
    for (let dir = parent(file); ; dir = parent(dir)) {
      if (byRoot.has(dir)) return byRoot.get(dir);
      if (dir === '.') return undefined;
    }
  };
  // Pass 1: each sketch target's files, grouped by owner; how many sketch TUs of a board share each list.
  const plans: Plan[] = [];
  const counts = new Map<string, { at: string; n: number }>();
  for (const p of Object.values(projects)) {
    const tags = p.tags ?? [];
    if (!tags.includes('nx-fastled:sketch')) continue;
    const board = tags.find((t) => t.startsWith('board:')) ?? '';
    for (const target of Object.values(p.targets ?? {})) {
      const plan = group(target, board, ownerOf);
      if (!plan) continue;
      plans.push(plan);
      for (const [o, g] of plan.groups) {
        const c = counts.get(g.key) ?? counts.set(g.key, { at: `${o.root}\0${board}`, n: 0 }).get(g.key)!;
        c.n++;
      }
    }
  }
  // A library's named input is the list most of its sketches share on a board (at least two): a sketch that
  // reaches other headers, or a new example, keeps plain entries instead of adding a named input, which would
  // change the library's configuration and so re-key every sketch that uses it. An example's own files always
  // go to its own project: only its TUs reference it.
  const main = new Map<string, string>();
  for (const [key, { at, n }] of counts) {
    const best = main.get(at);
    const bestN = best ? counts.get(best)!.n : 0;
    if (n >= 2 && (n > bestN || (n === bestN && key < best!))) main.set(at, key);
  }
  const names = new Map<string, string>();
  const named = new Map<Owner, Record<string, string[]>>();
  for (const { target, board, kept, groups } of plans) {
    const refs: { input: string; projects: string[] }[] = [];
    const plain: string[] = [];
    for (const [o, g] of groups) {
      const isExample = (o.project.tags ?? []).includes('nx-fastled:example');
      if (!isExample && main.get(`${o.root}\0${board}`) !== g.key) {
        plain.push(...g.files);
        continue;
      }
      let name = names.get(g.key);
      if (!name) names.set(g.key, (name = SHARED_INPUT_PREFIX + createHash('sha256').update(g.list).digest('hex').slice(0, 12)));
      if (!named.has(o)) named.set(o, {});
      named.get(o)![name] = g.entries;
      refs.push({ input: name, projects: [o.name] });
    }
    refs.sort((a, b) => (a.projects[0] < b.projects[0] ? -1 : a.projects[0] > b.projects[0] ? 1 : a.input < b.input ? -1 : 1));
    target.inputs = [...refs, ...plain.sort(), ...kept];
  }
  for (const [o, inputs] of named) {
    const merged = { ...(o.project.namedInputs ?? {}), ...inputs };
    o.project.namedInputs = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

function parent(p: string): string {
  const slash = p.lastIndexOf('/');
  return slash < 0 ? '.' : p.slice(0, slash);
}

/** One owner's part of a sketch target's files. */
interface Group {
  /** The target's own `{workspaceRoot}/...` inputs, as they were. */
  files: string[];
  /** The same files as `{projectRoot}/...` entries of the owner, sorted. */
  entries: string[];
  /** `entries` joined: what the named input's digest is taken over. */
  list: string;
  /** Owner root, board and list: sketch TUs with the same key can share one named input. */
  key: string;
}

interface Plan {
  target: TargetConfiguration;
  board: string;
  kept: NonNullable<TargetConfiguration['inputs']>;
  groups: Map<Owner, Group>;
}

/** A target's explicit workspace files by owner; everything else kept. */
function group(target: TargetConfiguration, board: string, ownerOf: (file: string) => Owner | undefined): Plan | undefined {
  const kept: NonNullable<TargetConfiguration['inputs']> = [];
  const byOwner = new Map<Owner, string[]>();
  for (const input of target.inputs ?? []) {
    const file = typeof input === 'string' && input.startsWith(WS) ? input.slice(WS.length) : undefined;
    const owner = file && !GLOB.test(file) ? ownerOf(file) : undefined;
    if (!file || !owner) {
      kept.push(input);
      continue;
    }
    if (!byOwner.has(owner)) byOwner.set(owner, []);
    byOwner.get(owner)!.push(file);
  }
  if (!byOwner.size) return undefined;
  const groups = new Map<Owner, Group>();
  for (const [owner, files] of byOwner) {
    const entries = files.map((f) => `${PROJECT_ROOT}${owner.root === '.' ? f : f.slice(owner.root.length + 1)}`).sort();
    const list = entries.join('\n');
    groups.set(owner, { files: files.map((f) => WS + f), entries, list, key: `${owner.root}\0${board}\0${list}` });
  }
  return { target, board, kept, groups };
}

/** The workspace-relative file a `{projectRoot}/...` entry of the project at `root` names. */
function entryFile(root: string, entry: string): string {
  const rel = entry.startsWith(PROJECT_ROOT) ? entry.slice(PROJECT_ROOT.length) : entry;
  return root === '.' ? rel : `${root}/${rel}`;
}

/**
 * The other half of the ownership rule: every file of an nx-fastled named input must be a file Nx gives to
 * that project. Returns one message per file that is not (empty when all are), for createDependencies to fail
 * with.
 */
export function checkSharedInputs(projects: Record<string, ProjectConfiguration>, filesOf: (project: string) => Set<string>): string[] {
  const problems: string[] = [];
  for (const [name, p] of Object.entries(projects)) {
    for (const [input, entries] of Object.entries(p.namedInputs ?? {})) {
      if (!input.startsWith(SHARED_INPUT_PREFIX)) continue;
      const owned = filesOf(name);
      for (const e of entries) {
        if (typeof e !== 'string') continue;
        const file = entryFile(p.root, e);
        if (!owned.has(file))
          problems.push(
            `nx-fastled: ${file} is read by sketch TUs of project "${name}", but Nx gives that file to another project ` +
              `(a project.json or package.json between them?), so their cache keys would miss it. Move that project ` +
              `out of ${p.root === '.' ? 'the workspace root' : p.root}, or list its folder in .nxignore, then run npx nx reset.`,
          );
      }
    }
  }
  return problems;
}

/**
 * The workspace-relative files (and `{workspaceRoot}` globs) a target's inputs name, with nx-fastled's named
 * inputs resolved through the projects that hold them (`byName`: project configurations by name). For tools
 * and tests that read a compile's closure from the graph.
 */
export function fileInputs(
  target: { inputs?: readonly unknown[] },
  byName: (name: string) => { root: string; namedInputs?: Record<string, readonly unknown[]> } | undefined,
): string[] {
  const out: string[] = [];
  for (const input of target.inputs ?? []) {
    if (typeof input === 'string') {
      if (input.startsWith(WS)) out.push(input.slice(WS.length));
      continue;
    }
    const ref = input as { input?: string; projects?: string | string[] };
    if (!ref.input?.startsWith(SHARED_INPUT_PREFIX)) continue;
    for (const name of Array.isArray(ref.projects) ? ref.projects : [ref.projects ?? '']) {
      const p = byName(name);
      for (const e of p?.namedInputs?.[ref.input] ?? []) {
        if (typeof e === 'string') out.push(entryFile(p!.root, e));
      }
    }
  }
  return out;
}
