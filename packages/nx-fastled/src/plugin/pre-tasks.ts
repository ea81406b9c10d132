// preTasksExecution: tells the tasks where this machine's toolchains are. Locations go into the environment
// (never into hashed configuration) under names that carry the toolchain identity; see plugin/shell.ts.
// Then records the run's input manifest (hashing/input-manifest.ts, plugin/input-manifest.ts).
import * as path from 'node:path';
import type { PreTasksExecutionContext } from '@nx/devkit';
import { StatMemo } from '../hashing/stat-memo';
import { writeRunManifest } from './input-manifest';
import { ProbeMemo } from '../toolchain/identity';
import { normalizeOptions, readOptions, sketchbookDir, NxFastledOptions } from './options';
import { SKETCHBOOK_ENV } from '../plan';
import { toolchainVars } from './shell';
import { memoDir, rememberMissingBoards, resolveRequestedBoards } from './state';

export async function preTasksExecution(rawOptions: NxFastledOptions | undefined, context: PreTasksExecutionContext): Promise<void> {
  const options = normalizeOptions(readOptions(context.workspaceRoot, rawOptions), process.env);
  const dir = memoDir(context.workspaceRoot);
  const memo = new StatMemo(path.join(dir, 'stat-memo.json'));
  const probes = new ProbeMemo(path.join(dir, 'probes.json'));
  const toolchainDirs: string[] = [];
  const resolved = resolveRequestedBoards(context.workspaceRoot, options, memo, probes);
  rememberMissingBoards(context.id, resolved);
  for (const [name, entry] of resolved) {
    if (!entry.ok) continue;
    const vars = toolchainVars(name, entry.identity);
    process.env[vars.bin] = entry.located.binDir;
    process.env[vars.core] = entry.located.coreDir;
    if (entry.located.variantDir) process.env[vars.variant] = entry.located.variantDir;
    toolchainDirs.push(entry.located.binDir, entry.located.coreDir, ...(entry.located.variantDir ? [entry.located.variantDir] : []));
  }
  // Sketchbook libraries' TUs read their sources through this (their content digest is in their keys).
  const sketchbook = sketchbookDir(context.workspaceRoot, options);
  if (sketchbook) process.env[SKETCHBOOK_ENV] = sketchbook;
  memo.save();
  probes.save();
  await writeRunManifest(context.workspaceRoot, (context as { id?: string }).id, toolchainDirs);
}
