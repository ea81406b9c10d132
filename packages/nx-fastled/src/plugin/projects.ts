// The build plan (plan/) rendered into Nx project configurations.
//
// Shape (see docs/ARCHITECTURE.md): one project per plan step, because Nx hashes a project's whole
// configuration into each of its tasks: a compile project per translation unit and board, an archive project
// per library and per core, a link project per example and board; create-nodes adds a board-independent
// example project whose `build` depends on the links. Commands are plain `nx:run-commands` shell strings
// (plan/shell.ts); each target carries its step as data in `metadata.nxFastled.step` (without its file
// inputs, which are the target's `inputs`) for the benchmarks and tools that need the recipe, not the shell.
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { ArduinoLibrary, Example } from '../library/discover';
import {
  archiveCommand,
  ArchiveStep,
  compileCommand,
  CompileStep,
  CorePlan,
  LibraryPlan,
  linkCommand,
  LibraryDep,
  LibraryOptions,
  librarySettings as planLibrarySettings,
  LinkStep,
  ExampleOptions,
  PlanBoard,
  planPlatformLibrary,
  PlatformLibrary,
  planBoard,
  planCore,
  PlanContext,
  planExample,
  planLibrary,
  PlanStep,
  quote,
  stepId,
  TaskTool,
} from '../plan';
import type { ResolvedBoard } from '../toolchain/identity';
import type { Arg } from '../toolchain/types';
import type { NormalizedOptions } from './options';

export type Projects = Record<string, ProjectConfiguration>;

/** A resolved board with the environment variable names its commands use. */
export type BoardContext = PlanBoard;

export interface BuildContext {
  options: NormalizedOptions;
  /** Workspace-relative path of the task CLI (`.../bin/nx-fastled-task.cjs`). */
  tool: string;
  /** Digest of the task CLI's code: sketch conversion and linking depend on it. */
  toolHash: string;
  /** Whether a workspace-relative file exists (as Nx sees the workspace). */
  hasFile(file: string): boolean;
  /** Workspace files a TU (or a set of `.ino` files) can include, plus fallback globs. */
  closure(files: string[], includeDirs: Arg[], board: BoardContext, forcedIncludes?: string[]): { files: string[]; globs: string[] };
}

export function boardContext(resolved: ResolvedBoard): BoardContext {
  return planBoard(resolved);
}

const NO_LOCKFILE = { externalDependencies: [] as string[] };
const TAG = 'nx-fastled';

function planContext(ctx: BuildContext): PlanContext {
  return { outputDir: ctx.options.outputDir, hasFile: ctx.hasFile, closure: ctx.closure };
}

function taskTool(ctx: BuildContext): TaskTool {
  return { path: ctx.tool, hash: ctx.toolHash };
}

/**
 * The step as target metadata (`metadata.nxFastled`): the step without its file inputs (already the target's
 * `inputs`), the board's toolchain identity and the task CLI the command calls.
 */
function stepMetadata(ctx: BuildContext, b: BoardContext, step: PlanStep): Record<string, unknown> {
  const common = { identity: b.resolved.identity, tool: taskTool(ctx) };
  if (step.kind !== 'compile' || !step.inputs) return { step, ...common };
  const { inputs: _inputs, ...rest } = step;
  return { step: rest, ...common };
}

function tags(step: PlanStep, kind: string[], after: string[] = []): string[] {
  return [TAG, ...kind, `board:${step.board}`, ...after, ...(step.library ? [`lib:${step.library}`] : [])];
}

const withSidecars = (outputs: string[]) =>
  outputs.flatMap((o) => (/\.(o|a)$/.test(o) ? [o, `${o}.sha256`] : [o])).map((o) => `{workspaceRoot}/${o}`);

export function compileProject(ctx: BuildContext, b: BoardContext, step: CompileStep): ProjectConfiguration {
  const inputs = step.inputs
    ? [...step.inputs.files.map((f) => `{workspaceRoot}/${f}`), ...step.inputs.globs.map((g) => `{workspaceRoot}/${g}`), NO_LOCKFILE]
    : // The core lives outside the workspace: its bytes are part of the toolchain identity in the command.
      [NO_LOCKFILE];
  return {
    name: step.id,
    root: step.root,
    tags: tags(step, [`${TAG}:tu`, `${TAG}:${step.role}`]),
    targets: {
      [ctx.options.targetNames.compile]: {
        executor: 'nx:run-commands',
        options: { command: compileCommand(step, b, taskTool(ctx)) },
        inputs: inputs as TargetConfiguration['inputs'],
        outputs: withSidecars(step.outputs),
        cache: true,
        metadata: { description: step.description, technologies: ['cpp'], nxFastled: stepMetadata(ctx, b, step) },
      },
    },
  };
}

export function archiveProject(ctx: BuildContext, b: BoardContext, step: ArchiveStep): ProjectConfiguration {
  return {
    name: step.id,
    root: step.root,
    tags: tags(step, [`${TAG}:archive`], step.role === 'core' ? [`${TAG}:core`] : []),
    targets: {
      [ctx.options.targetNames.archive]: {
        executor: 'nx:run-commands',
        options: { command: archiveCommand(step, b, taskTool(ctx)) },
        inputs: [{ dependentTasksOutputFiles: '**/*.o', transitive: false }, NO_LOCKFILE] as TargetConfiguration['inputs'],
        outputs: withSidecars(step.outputs),
        cache: true,
        dependsOn: [{ projects: step.compileSteps, target: ctx.options.targetNames.compile }],
        metadata: { description: step.description, technologies: ['cpp'], nxFastled: stepMetadata(ctx, b, step) },
      },
    },
  };
}

export function linkProject(ctx: BuildContext, b: BoardContext, step: LinkStep): ProjectConfiguration {
  return {
    name: step.id,
    root: step.root,
    tags: tags(step, [`${TAG}:link`]),
    targets: {
      [ctx.options.targetNames.link]: {
        executor: 'nx:run-commands',
        options: { command: linkCommand(step, b, taskTool(ctx)) },
        // Objects and archives by content: an edit that leaves every object identical stops before the link.
        inputs: [
          { dependentTasksOutputFiles: '**/*.o', transitive: false },
          { dependentTasksOutputFiles: '**/*.a', transitive: false },
          // Precompiled archives shipped with a library are workspace files, not any task's output.
          ...(step.inputs ?? []).map((f) => `{workspaceRoot}/${f}`),
          NO_LOCKFILE,
        ] as TargetConfiguration['inputs'],
        outputs: step.outputs.map((o) => `{workspaceRoot}/${o}`),
        cache: true,
        dependsOn: [
          { projects: step.compileSteps, target: ctx.options.targetNames.compile },
          { projects: step.archiveSteps, target: ctx.options.targetNames.archive },
        ],
        metadata: { description: step.description, technologies: ['cpp'], nxFastled: stepMetadata(ctx, b, step) },
      },
    },
  };
}

function addProject(projects: Projects, p: ProjectConfiguration): void {
  projects[p.root] = p;
}

export interface CoreProjects {
  plan: CorePlan;
  archiveProject: string;
  archive: string;
}

export function coreProjects(ctx: BuildContext, b: BoardContext, projects: Projects): CoreProjects {
  const plan = planCore(planContext(ctx), b);
  for (const step of plan.compiles) addProject(projects, compileProject(ctx, b, step));
  addProject(projects, archiveProject(ctx, b, plan.archive));
  return { plan, archiveProject: plan.archive.id, archive: plan.archive.archive };
}

export interface LibraryProjects {
  plan: LibraryPlan;
  /** The library's settings on this board (its plan's; kept here for the test targets). */
  settings: LibraryPlan['settings'];
  archiveProject?: string;
  archive?: string;
}

export function libraryProjects(
  ctx: BuildContext,
  b: BoardContext,
  lib: ArduinoLibrary,
  projects: Projects,
  deps: LibraryDep[] = [],
  opts: LibraryOptions = {},
): LibraryProjects {
  const plan = planLibrary(planContext(ctx), b, lib, deps, opts);
  for (const step of plan.compiles) addProject(projects, compileProject(ctx, b, step));
  if (plan.archive) addProject(projects, archiveProject(ctx, b, plan.archive));
  return { plan, settings: plan.settings, archiveProject: plan.archive?.id, archive: plan.archive?.archive };
}

/** The example's compile and link projects on one board; returns the link project's name. */
export function exampleBoardProjects(
  ctx: BuildContext,
  b: BoardContext,
  _lib: ArduinoLibrary,
  ex: Example,
  libProjects: LibraryProjects,
  core: CoreProjects,
  projects: Projects,
  deps: LibraryDep[] = [],
  opts: ExampleOptions = {},
): string {
  const plan = planExample(planContext(ctx), b, libProjects.plan, ex, core.plan, deps, opts);
  for (const step of plan.compiles) addProject(projects, compileProject(ctx, b, step));
  addProject(projects, linkProject(ctx, b, plan.link));
  return plan.link.id;
}

/** A platform-bundled library's compile and archive projects on one board (once per board). */
export function platformLibraryProjects(
  ctx: BuildContext,
  b: BoardContext,
  lib: PlatformLibrary,
  deps: LibraryDep[],
  projects: Projects,
): { file: string; step: string } | undefined {
  const plan = planPlatformLibrary(planContext(ctx), b, lib, deps);
  for (const step of plan.compiles) addProject(projects, compileProject(ctx, b, step));
  if (!plan.archive) return undefined;
  addProject(projects, archiveProject(ctx, b, plan.archive));
  return { file: plan.archive.archive, step: plan.archive.id };
}

/** A library's compile flags and include path on a board, as plain strings (for library resolution). */
export function librarySettings(
  ctx: BuildContext,
  b: BoardContext,
  lib: ArduinoLibrary,
): { flags: Record<'c' | 'cpp' | 'S', string[]>; includeDirs: Arg[]; sketchSources: 'arduino' | 'all'; sketchAppend: string[] } {
  const s = planLibrarySettings(planContext(ctx), b, lib);
  const values = (f: { value: string }[]) => f.map((x) => x.value);
  return {
    flags: { c: values(s.flags.c), cpp: values(s.flags.cpp), S: values(s.flags.S) },
    includeDirs: s.includeDirs.map((d) => d.dir),
    sketchSources: s.sketchSources,
    sketchAppend: s.sketchAppend,
  };
}

/** Nx project names: keep paths readable, but no whitespace or characters a shell or Nx would trip on. */
export const projectName = stepId;

export function failingProject(name: string, root: string, target: string, message: string, tags: string[]): ProjectConfiguration {
  return {
    name: projectName(name),
    root,
    tags: [TAG, ...tags],
    targets: {
      [target]: {
        executor: 'nx:run-commands',
        options: { command: `printf '%s\\n' ${quote(message)} >&2; exit 1` },
        // No file inputs: the project's root is virtual, and a failure is never cached anyway.
        inputs: [NO_LOCKFILE] as TargetConfiguration['inputs'],
        cache: false,
        metadata: { description: message },
      },
    },
  };
}
