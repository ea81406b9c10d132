// The task CLI's entry (bin/nx-fastled-task.cjs loads it): the build steps in cli/ (cli/main.ts), plus
// commands required only when asked for, so sketch and link tasks never load them and are not keyed on them:
// `identity`, which computes what the plugin computes (options, boards, toolchain identities in Nx's memo
// folder) and so lives with the plugin, `test`, which needs the simulator (avr8js), and `sizes` (a pull
// request's size comparison: runs git and Nx, never part of a task), and `inputs` (the after-compile check).
/* eslint-disable @typescript-eslint/no-require-imports -- the on-demand loads described above */
import { COMMANDS, main as runCommand } from './cli/main';

export function main(argv: string[]): void {
  runCommand(argv, {
    ...COMMANDS,
    identity: {
      summary: "Prints each board's toolchain identity as the plugin computes it (for CI cache keys).",
      run: (args) => (require('./plugin/identity-command') as typeof import('./plugin/identity-command')).runIdentity(args),
    },
    sizes: {
      summary: "Compares the last build's sizes with a base commit's (from the cache), checks the size budget, writes the PR comment.",
      run: (args) => (require('./cli/sizes-command') as typeof import('./cli/sizes-command')).runSizes(args),
    },
    test: {
      summary: 'Runs an example (AVR firmware in the simulator, a native program on the host) and writes its frames file.',
      run: (args) => (require('./cli/test-command') as typeof import('./cli/test-command')).runTest(args),
    },
    // After a compile: never changes what a task produces, so no sketch or link task is keyed on it.
    inputs: {
      summary: 'Checks that no file a compile read changed since Nx hashed the workspace; fails and deletes the object otherwise.',
      run: (args) => (require('./cli/inputs-command') as typeof import('./cli/inputs-command')).runInputs(args),
    },
  });
}
