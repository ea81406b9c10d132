// nx-fastled-task: the steps of a build that are more than one compiler call.
//
//   nx-fastled-task sketch --out <file.ino.cpp> <main.ino> [<other.ino>...]
//   nx-fastled-task link --board <b> --bin <dir> --out-dir <dir> --name <Name> --linker <prog>
//        [--objcopy <prog> --hex-flags "<flags>" [--eep-flags "<flags>"]] [--size <prog>]
//        [--flash-limit <bytes> --ram-limit <bytes>] [--no-heal 1] -- <link arguments>
//   nx-fastled-task verify [--no-heal] <file.o|file.a>...   (see verify-command.ts)
//   nx-fastled-task seal <file>...
//   nx-fastled-task test ... (run an example in the simulator or on the host: see test-command.ts)
//
// Every output is written under a temporary name and renamed into place only when the whole step succeeded,
// so an interrupted or failed task never leaves an output that looks finished. Errors are one line naming
// the file and line, with no stack trace.
import { runSketch } from './sketch-command';
import { runLink } from './link-command';
import { runIdentity } from './identity-command';
import { runSeal, runVerify } from './verify-command';

export class UsageError extends Error {}

export function main(argv: string[]): void {
  const [command, ...rest] = argv;
  try {
    if (command === 'sketch') runSketch(rest);
    else if (command === 'link') runLink(rest);
    else if (command === 'identity') runIdentity(rest);
    else if (command === 'verify') runVerify(rest);
    else if (command === 'seal') runSeal(rest);
    // Loaded on demand: the simulator (avr8js) is needed by `test` only.
    else if (command === 'test') (require('./test-command') as typeof import('./test-command')).runTest(rest);
    else throw new UsageError(`nx-fastled-task: unknown command "${command ?? ''}" (expected sketch, link, identity, verify, seal or test)`);
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    process.stderr.write(`${err.message}\n`);
    process.exitCode = err.exitCode ?? 1;
  }
}

export interface ParsedArgs {
  flags: Map<string, string>;
  positional: string[];
  afterDashes: string[];
}

export function parseArgs(argv: string[]): ParsedArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('--')) {
      if (i + 1 >= argv.length) throw new UsageError(`nx-fastled-task: ${a} needs a value`);
      flags.set(a.slice(2), argv[++i]);
    } else positional.push(a);
  }
  return { flags, positional, afterDashes: argv.slice(i + 1) };
}
