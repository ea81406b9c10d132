// The run's input manifest (format and reasons in hashing/input-manifest.ts), from Nx's own file snapshot.
//
// In a plugin worker, the workspace context (read through nx-compat) is loaded from the archive its host wrote
// when it walked the workspace for this command: the very hashes the task hasher uses (nx/src/utils/workspace-context.ts,
// `WorkspaceContext.fromArchive`; without the daemon the walk happens once, before the graph is built).
// Tasks find the manifest through NXF_INPUTS; postTasksExecution deletes it, and manifests of runs that were
// killed are removed after a day.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { nxHashFile, workspaceFiles } from '../nx-compat';
import { buildManifest, coveredFolders, MANIFEST_ENV, memoText } from '../hashing/input-manifest';
import { writeAtomic } from '../util/atomic';
import { memoDir } from './state';

const STALE_MS = 24 * 3600 * 1000;

function runsDir(workspaceRoot: string): string {
  return path.join(memoDir(workspaceRoot), 'runs');
}

/**
 * @param toolchainDirs absolute folders of the located toolchains (bin, core, variant): those inside the
 *   workspace are recorded as `covered` (the toolchain identity keys them)
 */
export async function writeRunManifest(workspaceRoot: string, runId: string | undefined, toolchainDirs: string[] = []): Promise<void> {
  const dir = runsDir(workspaceRoot);
  pruneStale(dir);
  const files = await workspaceFiles(workspaceRoot);
  const memoFile = path.join(memoDir(workspaceRoot), 'input-memo.json');
  const { manifest, memo } = buildManifest(workspaceRoot, files, nxHashFile, memoFile);
  const covered = coveredFolders(workspaceRoot, toolchainDirs);
  if (covered.length) manifest.covered = covered;
  const id = (runId ?? '').replace(/[^A-Za-z0-9]/g, '') || randomBytes(8).toString('hex');
  const file = path.join(dir, `${id}-${process.pid}.json`);
  writeAtomic(file, JSON.stringify(manifest));
  // The memo only changes when files were re-hashed, added or removed: a warm run leaves it alone.
  const text = memoText(memo);
  if (readText(memoFile) !== text) writeAtomic(memoFile, text);
  process.env[MANIFEST_ENV] = file;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function removeRunManifest(): void {
  const file = process.env[MANIFEST_ENV];
  if (file && path.basename(path.dirname(file)) === 'runs') fs.rmSync(file, { force: true });
}

function pruneStale(dir: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const e of entries) {
    const p = path.join(dir, e);
    try {
      if (now - fs.statSync(p).mtimeMs > STALE_MS) fs.rmSync(p, { force: true });
    } catch {
      // another run removed it
    }
  }
}
