// The one place nx-fastled depends on Nx internals: deep imports from `nx/src/...` and the layout of Nx's
// local cache folder. Everything else uses `@nx/devkit`'s public API. When a new Nx major comes out, this
// file is what to re-check; `CHECKED_NX_VERSIONS` names the versions it was checked with.
//
// Deep imports are required lazily (inside the functions), so the task CLI, which needs only the cache
// layout, never loads Nx.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Nx versions this module (and the plugin's tests) were run against. */
export const CHECKED_NX_VERSIONS = ['24.0.6'] as const;
/** Majors the plugin accepts; anything else stops with `NxVersionError` before any graph work. */
export const SUPPORTED_NX_MAJORS = [24] as const;
/** Set to `1` to run anyway on an untested Nx major (at your own risk). */
export const SKIP_CHECK_ENV = 'NX_FASTLED_SKIP_NX_CHECK';

export class NxVersionError extends Error {}

/** The installed Nx's version, as the plugin resolves `nx` (its peer dependency). */
export function installedNxVersion(): string | undefined {
  try {
    return (require('nx/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Throws a message saying what to do when `version`'s major is not one the plugin was checked with. */
export function assertSupportedNx(version = installedNxVersion(), env: NodeJS.ProcessEnv = process.env): void {
  if (!version || env[SKIP_CHECK_ENV] === '1') return;
  const major = Number(version.split('.')[0]);
  if ((SUPPORTED_NX_MAJORS as readonly number[]).includes(major)) return;
  throw new NxVersionError(
    `nx-fastled: this workspace runs Nx ${version}, but this nx-fastled was checked with Nx ${CHECKED_NX_VERSIONS.join(', ')} ` +
      `(supported majors: ${SUPPORTED_NX_MAJORS.join(', ')}). It reads Nx internals that change between majors, so it stops ` +
      `instead of guessing. Install nx@${SUPPORTED_NX_MAJORS[SUPPORTED_NX_MAJORS.length - 1]} (npm i -D nx@${SUPPORTED_NX_MAJORS[SUPPORTED_NX_MAJORS.length - 1]}), or an nx-fastled ` +
      `release that supports Nx ${major}; set ${SKIP_CHECK_ENV}=1 to try anyway.`,
  );
}

export interface WorkspaceFile {
  /** Workspace-relative, POSIX separators. */
  file: string;
  /** Nx's content hash of the file. */
  hash: string;
}

/** Every file Nx sees in the workspace (git-ignored and `.nxignore`d files excluded) with its content hash. */
export async function workspaceFiles(workspaceRoot: string): Promise<WorkspaceFile[]> {
  const { getAllFileDataInContext } = require('nx/src/utils/workspace-context') as {
    getAllFileDataInContext(root: string): Promise<WorkspaceFile[]>;
  };
  return getAllFileDataInContext(workspaceRoot);
}

/**
 * Nx's own content hash of one file (its native `hashFile`, the function its workspace walk uses), so a hash
 * taken now can be compared with the one Nx's snapshot holds (hashing/input-manifest.ts).
 */
export function nxHashFile(absPath: string): string | null {
  const { hashFile } = require('nx/src/native') as { hashFile(file: string): string | null };
  return hashFile(absPath);
}

/** Nx's per-checkout data folder (`.nx/workspace-data` by default); `nx reset` empties it. */
export function workspaceDataDirectory(workspaceRoot: string): string {
  const { workspaceDataDirectoryForWorkspace } = require('nx/src/utils/cache-directory') as {
    workspaceDataDirectoryForWorkspace(root: string): string;
  };
  return workspaceDataDirectoryForWorkspace(workspaceRoot);
}

/**
 * The project graph Nx cached for this command (`<workspace-data>/project-graph.json`, written before tasks
 * run), read as JSON instead of through `readCachedProjectGraph`, whose module graph costs about a second to
 * load in the plugin worker. Undefined when there is none or it cannot be read.
 */
export function readCachedProjectGraph<G extends { nodes: object }>(workspaceRoot: string): G | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(workspaceDataDirectory(workspaceRoot), 'project-graph.json'), 'utf8')) as
      Partial<G> | undefined;
    return parsed && typeof parsed.nodes === 'object' && parsed.nodes ? (parsed as G) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Nx's local cache folder for the workspace: `NX_CACHE_DIRECTORY`, nx.json `cacheDirectory`, else Nx's
 * default (Nx 24: a per-user folder shared by the clones of one repository). Falls back to `.nx/cache` when
 * Nx cannot be loaded.
 */
export function localCacheDirectory(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.NX_CACHE_DIRECTORY) return path.resolve(workspaceRoot, env.NX_CACHE_DIRECTORY);
  try {
    const nxJson = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'nx.json'), 'utf8')) as { cacheDirectory?: string };
    if (nxJson.cacheDirectory) return path.resolve(workspaceRoot, nxJson.cacheDirectory);
  } catch {
    // no nx.json or not JSON: Nx's default
  }
  try {
    const { cacheDirectoryForWorkspace } = require('nx/src/utils/cache-directory') as { cacheDirectoryForWorkspace(root: string): string };
    return cacheDirectoryForWorkspace(workspaceRoot);
  } catch {
    return path.join(workspaceRoot, '.nx', 'cache');
  }
}

/**
 * Nx 24's local cache layout: one folder per task hash (`<cacheDir>/<decimal hash>/`, holding the outputs at
 * workspace-relative paths) and the task's terminal output in `<cacheDir>/terminalOutputs/<hash>`. The
 * SQLite index in the workspace-data folder treats an entry whose folder is gone as a miss.
 */
export function localCacheEntries(cacheDir: string): { hash: string; dir: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(cacheDir);
  } catch {
    return [];
  }
  return names.filter((e) => /^\d+$/.test(e)).map((hash) => ({ hash, dir: path.join(cacheDir, hash) }));
}

/** Removes one local cache entry (its outputs and its terminal output). */
export function removeLocalCacheEntry(cacheDir: string, hash: string): void {
  fs.rmSync(path.join(cacheDir, hash), { recursive: true, force: true });
  fs.rmSync(path.join(cacheDir, 'terminalOutputs', hash), { force: true });
}
