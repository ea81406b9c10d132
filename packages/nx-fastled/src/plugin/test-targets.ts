// The `test` target: run each built example on each board that can run it (AVR firmware in avr8js, native
// programs on the host) and keep what it did, `<Name>.frames.json` next to its firmware (sim/frames-file.ts).
//
// One project per example and board (`test/<board>/<lib>/examples/<path>`), not a target on the link project:
// Nx hashes a project's whole configuration into each of its tasks, so simulation settings must not re-key
// the link. Key: the firmware/program bytes, the settings (the executor's options), the runner's version
// (avr8js) and the digest of nx-fastled's simulator code. The firmware is named twice (firmwareInputs): as the
// link's outputs, which makes Nx hash the test after its link ran, and as files on disk, which keys a test run
// without its link in the task graph (`--exclude-task-dependencies`) by the firmware it will run.
// Executor `nx-fastled:simulate` (executors/simulate): Nx hands it every ready example at once (a batch, one
// Node process, worker threads), where a command per example paid a Node start and avr8js's load each time.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import * as path from 'node:path/posix';
import type { TargetConfiguration } from '@nx/devkit';
import { moduleClosure } from '../hashing/module-closure';
import type { ArduinoLibrary, Example } from '../library/discover';
// Only the simulator's pure modules: the plugin must load without avr8js being installed.
import { mcuFromFlags, mcuProfile } from '../sim/mcu';
import { OverrideError, parseOverrides, SimOverrides } from '../sim/overrides';
import type { BoardContext, BuildContext, LibraryProjects, Projects } from './projects';
import { failingProject, projectName } from './projects';

const PLUGIN_ROOT = nodePath.resolve(__dirname, '../..');

let runnerIdentity: string | undefined;
/**
 * avr8js's version and a digest of the code a test task runs: the simulate executor, its worker and every
 * module they load (hashing/module-closure.ts), from dist/ when built (what Nx loads through executors.json). Only that code: an edit to
 * the plugin or to another command must not re-key 30 simulations of 20 s each.
 */
function runnerKey(): string {
  if (runnerIdentity) return runnerIdentity;
  const h = createHash('sha256');
  const useDist = fs.existsSync(nodePath.join(PLUGIN_ROOT, 'dist/task-cli.js'));
  const entries = useDist
    ? ['dist/executors/simulate/executor.js', 'dist/executors/simulate/worker.js']
    : ['src/executors/simulate/executor.ts', 'src/executors/simulate/worker.ts'];
  const files = [...new Set(entries.flatMap((e) => moduleClosure(nodePath.join(PLUGIN_ROOT, e))))].sort();
  for (const f of files) h.update(`${nodePath.relative(PLUGIN_ROOT, f).split(nodePath.sep).join('/')}\0`).update(fs.readFileSync(f));
  let avr8js = 'unknown';
  try {
    avr8js = (JSON.parse(fs.readFileSync(require.resolve('avr8js/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // reported by the task itself if avr8js is missing
  }
  runnerIdentity = `avr8js@${avr8js} sim=${h.digest('hex').slice(0, 16)}`;
  return runnerIdentity;
}

/**
 * The firmware files as inputs. `dependentTasksOutputFiles` alone adds nothing when the link is not in the task
 * graph (`--exclude-task-dependencies`): such a run was keyed without the firmware and could restore the frames
 * of an older one. The same files as an `includeIgnored` fileset (dist/ is ignored by git, so not in Nx's file
 * map) are read from disk when the task is hashed: after its link when the link is in the graph (Nx defers
 * tasks that read dependency outputs), up front otherwise, which is then the firmware the run will use.
 */
function firmwareInputs(files: string[]): TargetConfiguration['inputs'] {
  return [
    ...files.map((f) => ({ dependentTasksOutputFiles: `**/*${path.extname(f)}`, transitive: false })),
    ...files.map((f) => ({ fileset: `{workspaceRoot}/${f}`, includeIgnored: true })),
    { externalDependencies: [] },
  ] as TargetConfiguration['inputs'];
}

/** Whether `board` gets test targets: asked for, or by default every native board and every simulated MCU. */
export function testsBoard(ctx: BuildContext, b: BoardContext): boolean {
  const wanted = ctx.options.test.boards;
  if (wanted) return wanted.includes(b.resolved.board.name);
  if (b.resolved.board.traits.platform === 'native' || b.resolved.board.name === 'native') return true;
  const m = mcuFromFlags(b.resolved.recipe.compileFlags.cpp);
  return !!m && !('unsupported' in mcuProfile(m.mcu));
}

/** Adds the test project of one example on one board; `link` is the link project's name. */
export function addTestProject(
  ctx: BuildContext,
  b: BoardContext,
  lib: ArduinoLibrary,
  ex: Example,
  lp: LibraryProjects,
  link: string,
  readText: (file: string) => string,
  projects: Projects,
): void {
  const board = b.resolved.board.name;
  const exRel = `examples/${ex.path}`;
  const root = path.join(ctx.options.outputDir, board, lib.id, exRel);
  const name = projectName(`test/${board}/${lib.id}/${exRel}`);
  const testRoot = `${root}/.test`;
  const target = ctx.options.targetNames.test;
  let o: SimOverrides;
  try {
    o = {
      ...parseOverrides(readText(ex.inoFiles[0]), ex.inoFiles[0]),
      ...(ctx.options.test.examples[`${lib.id}/${ex.path}`] as SimOverrides | undefined),
    };
    if (Array.isArray(o.clocked)) o.clocked = { data: o.clocked[0], clock: o.clocked[1] };
  } catch (e) {
    if (!(e instanceof OverrideError)) throw e;
    projects[testRoot] = failingProject(name, testRoot, target, `nx-fastled: ${e.message}`, [`board:${board}`, `lib:${lib.id}`]);
    return;
  }
  if (o.skip) return;
  const out = `${root}/${ex.name}.frames.json`;
  // The flags of `nx-fastled-task test`, as the executor's options (executors/simulate).
  const job: Record<string, string> = { board };
  let inputs: TargetConfiguration['inputs'];
  let what: string;
  const native = b.resolved.board.traits.platform === 'native' || board === 'native';
  if (native) {
    const loops = o.loops ?? ctx.options.test.loops;
    Object.assign(job, {
      runner: 'native',
      loops: String(loops),
      'wall-ms': String(ctx.options.test.wallLimitMs),
      program: `${root}/${ex.name}.elf`,
    });
    // FastLED's stub clock is the wall clock: its frame times would make the output differ run to run.
    if (lp.settings.profile) job.untimed = '1';
    inputs = firmwareInputs([job.program]);
    what = `Run ${ex.dir} on the host (${loops} loop()s, at most ${ctx.options.test.wallLimitMs} ms)`;
  } else {
    const m = mcuFromFlags(b.resolved.recipe.compileFlags.cpp);
    if (!m) {
      projects[testRoot] = failingProject(
        name,
        testRoot,
        target,
        `nx-fastled: board ${board} has no -mmcu/-DF_CPU in its compile flags: cannot tell the simulator which MCU to run`,
        [`board:${board}`],
      );
      return;
    }
    const ms = o.ms ?? ctx.options.test.simulatedMs;
    Object.assign(job, { runner: 'avr', mcu: m.mcu, clock: String(m.clockHz), ms: String(ms) });
    Object.assign(job, { firmware: `${root}/${ex.name}.hex`, elf: `${root}/${ex.name}.elf` });
    if (o.order) job.order = o.order;
    if (o.pins) job.pins = o.pins.join(',');
    if (o.leds !== undefined) job.leds = String(o.leds);
    if (o.clocked) job.clocked = `${o.clocked.data},${o.clocked.clock}`;
    inputs = firmwareInputs([job.firmware, job.elf]);
    what = `Run ${ex.dir}'s firmware in avr8js (${m.mcu} at ${m.clockHz / 1e6} MHz) for ${ms} ms of simulated time`;
  }
  job.out = out;
  projects[testRoot] = {
    name,
    root: testRoot,
    tags: ['nx-fastled', 'nx-fastled:test', `board:${board}`, `lib:${lib.id}`],
    targets: {
      [target]: {
        // A batch of examples per Node process (the executor's batchImplementation, preferred by Nx).
        executor: 'nx-fastled:simulate',
        options: { ...job, simulator: runnerKey() },
        inputs,
        outputs: [`{workspaceRoot}/${out}`],
        cache: true,
        dependsOn: [{ projects: [link], target: ctx.options.targetNames.link }],
        metadata: { description: `${what}; LED frames and serial output into ${out}`, technologies: ['cpp'] },
      },
    },
  };
}
