// Public API of plan/: the typed, Nx-free build plan (types.ts), the planner (build-plan.ts) and its rendering
// as shell commands (shell.ts).
import type { ArduinoLibrary, Example } from '../library/discover';
import { CorePlan, ExamplePlan, LibraryPlan, planCore, planExample, planLibrary } from './build-plan';
import type { PlanBoard, PlanContext, PlanStep } from './types';

export * from './types';
export {
  SKETCHBOOK_ENV,
  envRefs,
  librarySettings,
  planBoard,
  planCore,
  planExample,
  planLibrary,
  planPlatformLibrary,
  stepId,
} from './build-plan';
export type { CorePlan, ExampleOptions, ExamplePlan, LibraryOptions, LibraryPlan, LibrarySettings, PlatformLibrary } from './build-plan';
export * from './shell';

export interface BoardBuildPlan {
  board: PlanBoard;
  core: CorePlan;
  libraries: LibraryPlan[];
  examples: (ExamplePlan & { library: string; example: Example })[];
}

/** Every step for a set of libraries (each with the examples admitted on this board) on one board. */
export function planBuild(ctx: PlanContext, b: PlanBoard, libs: { library: ArduinoLibrary; examples: Example[] }[]): BoardBuildPlan {
  const core = planCore(ctx, b);
  const libraries = libs.map((l) => planLibrary(ctx, b, l.library));
  const examples = libs.flatMap((l, i) =>
    l.examples.map((ex) => ({ ...planExample(ctx, b, libraries[i], ex, core), library: l.library.id, example: ex })),
  );
  return { board: b, core, libraries, examples };
}

/** All steps of a board's plan, in dependency order (compiles, then archives, then links). */
export function planSteps(p: BoardBuildPlan): PlanStep[] {
  return [
    ...p.core.compiles,
    ...p.libraries.flatMap((l) => l.compiles),
    ...p.examples.flatMap((e) => e.compiles),
    p.core.archive,
    ...p.libraries.flatMap((l) => (l.archive ? [l.archive] : [])),
    ...p.examples.map((e) => e.link),
  ];
}
