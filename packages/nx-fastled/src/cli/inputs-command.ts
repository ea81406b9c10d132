// `inputs`: after a compile, proves that no file it read changed since Nx hashed the workspace for this run
// (why and how: hashing/input-manifest.ts). Runs between the compiler and the rename that publishes the object.
//
//   nx-fastled-task inputs --depfile <file.d> --object <temporary object> --output <object>
//        [--generated <ws-relative TU written by the task itself>] [-- <other files the task read>...]
//
// The manifest is the file named by NXF_INPUTS (written by preTasksExecution). On a change the temporary
// object, the depfile and any earlier <object> and <object>.sha256 are deleted and the step exits 1 naming the
// file: a failed task is never cached, and nothing that could pass for its output is left behind. Workspace
// files the compiler read that Nx does not hash at all (git-ignored, or created after Nx looked) are reported
// as a warning: the cache key does not cover them, a separate problem from a race.
import * as fs from 'node:fs';
import { checkInputs, MANIFEST_ENV, readManifest } from '../hashing/input-manifest';
import { parseDepfile } from '../scan/depfile';
import { defineCommand, parseCommand } from '../util/args';

export const INPUTS_COMMAND = defineCommand({
  command: 'nx-fastled-task inputs',
  usage: '--depfile <file.d> --object <temporary object> --output <object> [--generated <tu>] [-- <other files read>...]',
  about:
    'After a compile, checks that no workspace file it read changed since Nx hashed the workspace for this run (the manifest named by NXF_INPUTS). ' +
    'On a change the object is deleted and the step fails, so nothing is cached.',
  options: {
    depfile: { type: 'string', description: "the compiler's dependency file (-MD -MF); deleted afterwards" },
    object: { type: 'string', description: 'the freshly compiled object, still under its temporary name' },
    output: { type: 'string', description: 'the name the object will be published under' },
    generated: { type: 'string', description: 'a TU the task wrote itself (not a workspace file Nx hashes)' },
  },
  required: ['depfile', 'object', 'output'],
  maxPositionals: 0,
  rest: true,
});

export function runInputs(argv: string[]): void {
  const args = parseCommand(INPUTS_COMMAND, argv);
  if (!args) return;
  const { depfile, object, output, generated } = args.values as { depfile: string; object: string; output: string; generated?: string };
  const discard = () => {
    for (const f of [object, depfile, output, `${output}.sha256`]) fs.rmSync(f, { force: true });
  };
  const manifestFile = process.env[MANIFEST_ENV];
  if (!manifestFile) {
    discard();
    throw new Error(
      `nx-fastled: ${output}: cannot check its inputs: ${MANIFEST_ENV} is not set (it is set by nx-fastled's preTasksExecution: run this task through nx)`,
    );
  }
  let read: string[];
  try {
    read = parseDepfile(fs.readFileSync(depfile, 'utf8'), depfile);
  } catch (e) {
    discard();
    throw new Error(
      `nx-fastled: ${output}: the compiler's dependency file could not be read (${(e as Error).message}), so its inputs cannot be checked`,
      { cause: e },
    );
  }
  const manifest = readManifest(manifestFile);
  const root = process.cwd();
  const result = checkInputs(manifest, root, [...read, ...args.rest], generated ? [generated] : []);
  fs.rmSync(depfile, { force: true });
  if (result.changed.length) {
    discard();
    const files = result.changed.map(
      (c) => `${c.file} (${c.when === 'before' ? 'already different when the tasks started' : 'written while the build ran'})`,
    );
    throw new Error(
      `nx-fastled: ${files.join(', ')} changed after Nx hashed the workspace for this run, so ${output} may hold bytes its cache key does not describe. ` +
        'It was deleted and nothing is cached; run the build again once the edit is finished.',
    );
  }
  for (const file of result.untracked) {
    process.stderr.write(
      `nx-fastled: warning: ${output} read ${file}, which Nx does not hash (git-ignored, or created during the build): its cache key does not cover that file\n`,
    );
  }
}
