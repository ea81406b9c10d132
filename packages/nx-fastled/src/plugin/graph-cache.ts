// The plugin's graph result cache, kept the way Nx's own plugins keep theirs (@nx/vite, @nx/gradle: a JSON
// file in Nx's workspace-data folder keyed by content hashes of everything createNodes reads). An Nx command
// where none of that changed returns the previous result instead of discovering libraries, filtering
// sketches and scanning includes again.
//
// The key is sha256 over:
//   - this cache's format version, the plugin's own code (every module its entry loads, by content) and the
//     Nx version;
//   - the options as createNodes reads them (nx.json's entry with nx-fastled.json merged over it) and every
//     NX_FASTLED_* environment variable;
//   - each requested board's toolchain identity (a content digest of the compiler, libraries and Arduino
//     core) or the reason it is missing;
//   - where the task CLI is, relative to the workspace;
//   - every workspace file Nx sees, by path and Nx's content hash (files git ignores are invisible to the
//     plugin as well), and the list of library.properties files Nx matched.
//
// File `<workspace-data>/nx-fastled/graph-cache.json`: { "version": 1, "key": "<sha256 hex>", "results": [...] }
// where results is createNodes' return value. It holds workspace-relative paths and content digests only,
// never an absolute path, stat field or time: carried to another machine it is either a correct hit (same
// sources, options and toolchain bytes) or a miss. Written to a temporary name and renamed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult } from '@nx/devkit';
import { StatMemo } from '../hashing/stat-memo';
import { moduleClosure } from '../hashing/module-closure';
import { ProbeMemo } from '../toolchain/identity';
import { installedNxVersion, workspaceFiles } from '../nx-compat';
import { writeAtomic } from '../util/atomic';
import { normalizeOptions, NxFastledOptions, readOptions, sketchbookDir } from './options';
import { externalLibrariesDigest } from './library-uses';
import { boardContext } from './projects';
import { memoDir, PLUGIN_ROOT, resolveRequestedBoards, toolPath } from './state';

export const GRAPH_CACHE_FILE = 'graph-cache.json';
const FORMAT_VERSION = 1;

type Results = Array<readonly [string, CreateNodesResult]>;

/** The plugin's own code, by content: a rebuilt or upgraded plugin never reads an older plugin's graph. */
let pluginCodeDigest: string | undefined;
function pluginCode(): string {
  if (pluginCodeDigest) return pluginCodeDigest;
  const entry = path.join(__dirname, __filename.endsWith('.ts') ? '../index.ts' : '../index.js');
  const h = createHash('sha256');
  for (const file of moduleClosure(entry))
    h.update(`${path.relative(PLUGIN_ROOT, file)}\0`)
      .update(fs.readFileSync(file))
      .update('\0');
  return (pluginCodeDigest = h.digest('hex'));
}

/** The cache key of one createNodes call; see the top of the file for what it covers. */
export async function graphCacheKey(
  files: readonly string[],
  rawOptions: NxFastledOptions | undefined,
  workspaceRoot: string,
): Promise<string> {
  const h = createHash('sha256');
  const part = (label: string, value: string) => h.update(`${label}\0${value}\n`);
  part('format', String(FORMAT_VERSION));
  part('plugin', pluginCode());
  part('nx', installedNxVersion() ?? '');
  const read = readOptions(workspaceRoot, rawOptions);
  part('options', JSON.stringify(read));
  for (const name of Object.keys(process.env)
    .filter((k) => k.startsWith('NX_FASTLED_'))
    .sort())
    part(`env:${name}`, process.env[name] ?? '');
  const options = normalizeOptions(read, process.env);
  const dir = memoDir(workspaceRoot);
  const memo = new StatMemo(path.join(dir, 'stat-memo.json'));
  const probes = new ProbeMemo(path.join(dir, 'probes.json'));
  const sketchbook = sketchbookDir(workspaceRoot, options);
  for (const [name, board] of [...resolveRequestedBoards(workspaceRoot, options, memo, probes)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    part(`board:${name}`, board.ok ? `ok ${board.identity}` : `missing ${board.missing.missing}`);
    // Libraries outside the workspace (the platform's bundled ones, the sketchbook's) decide resolution too.
    if (board.ok) part(`libraries:${name}`, externalLibrariesDigest(boardContext(board), sketchbook, memo));
  }
  memo.save();
  probes.save();
  part('tool', toolPath(workspaceRoot));
  part('matched', [...files].sort().join('\0'));
  const data = (await workspaceFiles(workspaceRoot)).map((f) => `${f.file}\0${f.hash}`).sort();
  part('files', data.join('\n'));
  return h.digest('hex');
}

function read(file: string, key: string): Results | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed?.version === FORMAT_VERSION && parsed.key === key && Array.isArray(parsed.results)) return parsed.results as Results;
  } catch {
    // missing or unreadable: a miss
  }
  return undefined;
}

function write(file: string, key: string, results: Results): void {
  try {
    writeAtomic(file, JSON.stringify({ version: FORMAT_VERSION, key, results }));
  } catch {
    // a read-only workspace-data folder only costs the next command a recomputation
  }
}

/**
 * Returns the cached result when the key matches, else computes, stores and returns it. Errors are never
 * cached. `NX_FASTLED_GRAPH_CACHE=false` turns the cache off (for measuring the plugin itself).
 */
export async function withGraphCache(
  files: readonly string[],
  rawOptions: NxFastledOptions | undefined,
  context: CreateNodesContextV2,
  compute: () => Promise<Results>,
): Promise<Results> {
  if (process.env.NX_FASTLED_GRAPH_CACHE === 'false') return compute();
  const file = path.join(memoDir(context.workspaceRoot), GRAPH_CACHE_FILE);
  const key = await graphCacheKey(files, rawOptions, context.workspaceRoot);
  const cached = read(file, key);
  if (cached) return cached;
  const results = await compute();
  write(file, key, results);
  return results;
}
