// `verify` and `seal`: the commands around the object checksums (integrity/: what is checked and why).
//
//   nx-fastled-task verify [--no-heal] <file.o|file.a>...
//   nx-fastled-task seal <file>...            (writes <file>.sha256; a portable stand-in for `sha256sum`)
//
// `verify` heals Nx's local cache (its folder and layout come from nx-compat/): the entries holding a bad
// copy are removed, so the next run misses the cache for the task that produced it and rebuilds it.
import { localCacheDirectory, localCacheEntries, removeLocalCacheEntry } from '../nx-compat';
import { sealFile } from '../integrity/checksum';
import type { LocalCache } from '../integrity/evict';
import { verifyFiles } from '../integrity/verify';
import { defineCommand, parseCommand } from '../util/args';

export interface VerifyOptions {
  heal: boolean;
  workspaceRoot: string;
  env?: NodeJS.ProcessEnv;
}

/** Nx's local cache of the workspace, located only when something has to be evicted from it. */
function nxLocalCache(workspaceRoot: string, env: NodeJS.ProcessEnv | undefined): LocalCache {
  let dir: string | undefined;
  const cacheDir = () => (dir ??= localCacheDirectory(workspaceRoot, env));
  return {
    entries: () => localCacheEntries(cacheDir()),
    remove: (hash) => removeLocalCacheEntry(cacheDir(), hash),
  };
}

/** Checks every file and heals Nx's local cache; throws one CorruptInputError naming each bad file. */
export function verifyInputs(files: string[], opts: VerifyOptions): void {
  verifyFiles(files, { heal: opts.heal, workspaceRoot: opts.workspaceRoot, cache: nxLocalCache(opts.workspaceRoot, opts.env) });
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

export function runSeal(argv: string[]): void {
  const args = parseCommand(SEAL_COMMAND, argv);
  if (!args) return;
  for (const file of args.positionals) sealFile(file);
}
