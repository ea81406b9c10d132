// nx-fastled-task: the steps of a build that are more than one compiler call. Each command's arguments,
// usage and `--help` are declared beside it (`*_COMMAND` in its file); `nx-fastled-task --help` lists them.
//
//   nx-fastled-task sketch --out <file.ino.cpp> <main.ino> [<other.ino>...]
//   nx-fastled-task link --board <b> --bin <dir> --out-dir <dir> --name <Name> --linker <prog> ... -- <link arguments>
//   nx-fastled-task verify [--no-heal] <file.o|file.a>...
//   nx-fastled-task seal <file>...
//   nx-fastled-task identity --board <b>[,<b>...]   (plugin/identity-command.ts: it computes what the plugin does)
//   nx-fastled-task test ...   (cli/test-command.ts: runs an example in the simulator or on the host)
//
// Every output is written under a temporary name and renamed into place only when the whole step succeeded,
// so an interrupted or failed task never leaves an output that looks finished. Errors are one line naming
// the file and line, with no stack trace.
//
// What this module imports is what sketch and link tasks run: the plugin keys those tasks on exactly these
// files (toolDigest in plugin/state.ts follows the imports from here). Keep Nx, the plugin and the simulator
// out of it: `identity` and `test` are added, loaded on demand, by task-cli.ts. (A static import of
// test-command here once put the simulator into every sketch and link key: a simulator edit rebuilt FastLED.)
import { runLink, LINK_COMMAND } from './link-command';
import { runSketch, SKETCH_COMMAND } from './sketch-command';
import { runSeal, runVerify, SEAL_COMMAND, VERIFY_COMMAND } from './verify-command';

export interface Command {
  /** one line for `nx-fastled-task --help` */
  summary: string;
  run(argv: string[]): void;
}

const firstSentence = (text: string) => text.replace(/\. .*$/s, '.');

export const COMMANDS: Record<string, Command> = {
  sketch: { summary: firstSentence(SKETCH_COMMAND.about), run: runSketch },
  link: { summary: firstSentence(LINK_COMMAND.about), run: runLink },
  verify: { summary: firstSentence(VERIFY_COMMAND.about), run: runVerify },
  seal: { summary: firstSentence(SEAL_COMMAND.about), run: runSeal },
};

/** Runs one command; a failure is its message on stderr and a non-zero exit code, never a stack trace. */
export function main(argv: string[], commands: Record<string, Command> = COMMANDS): void {
  const [command, ...rest] = argv;
  const names = Object.keys(commands).sort();
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      const lines = names.map((n) => `  ${n.padEnd(10)}${commands[n].summary}`);
      process.stdout.write(`usage: nx-fastled-task <command> [options]   (<command> --help for its options)\n\n${lines.join('\n')}\n`);
      return;
    }
    const run = commands[command ?? '']?.run;
    if (!run) throw new Error(`nx-fastled-task: unknown command "${command ?? ''}" (expected ${names.join(', ')}; --help lists them)`);
    run(rest);
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    process.stderr.write(`${err.message}\n`);
    process.exitCode = err.exitCode ?? 1;
  }
}
