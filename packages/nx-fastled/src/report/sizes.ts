// A pull request's size comparison (`sizes.json`, written by `nx-fastled-task sizes`): the head's build report
// compared with the base commit's, where the base's sizes came from and what getting them cost (a build of
// the base from the cache: its tasks, its cache hits, the compiler tasks that had to run), and the budget's
// verdict. Domain code: no Nx imports.
//
//   { "version": 1, "generatedAt": "...",
//     "head": { "commit": "<sha>" },
//     "base": { "ref": "origin/main", "commit": "<sha>", "source": "cache-build" | "report", "reportFile"?: "...",
//               "run"?: { "tasks": 58, "hits": 58, "ran": 0, "compilerRuns": 0, "simulatorRuns": 0, "seconds": 4.2 } },
//     "report": <report.json of the head, with `change` against the base>,
//     "budget"?: { "file": "size-budget.json", "violations": [ <BudgetViolation> ] },
//     "outputs"?: <LED and serial output changes against the base (output-changes.ts)> }
import { BudgetViolation } from './budget';
import type { OutputComparison } from './output-changes';
import { BuildReport, RunTask } from './model';
import { outcomeOf } from './model';

export interface BaseRun {
  tasks: number;
  /** Local and remote cache hits. */
  hits: number;
  /** Tasks that ran (any target). */
  ran: number;
  /** Compile, archive and link tasks that ran: each one is a compiler (or archiver, or linker) process. */
  compilerRuns: number;
  /** Test tasks that ran (each one a simulation or a native run); Nx never caches a failed one. */
  simulatorRuns: number;
  seconds: number;
}

export interface BaseSide {
  ref: string;
  commit?: string;
  /** `cache-build`: the base commit built in a temporary worktree with the same caches; `report`: a report file. */
  source: 'cache-build' | 'report';
  reportFile?: string;
  run?: BaseRun;
}

export interface SizesComparison {
  version: 1;
  generatedAt: string;
  head: { commit?: string };
  base: BaseSide;
  report: BuildReport;
  budget?: { file: string; violations: BudgetViolation[] };
  /** LED frames and serial output against the base, when the head's run tested its examples. */
  outputs?: OutputComparison;
}

/** What a base build cost, from its run record; `toolTargets` run a compiler, `simTargets` a simulator. */
export function baseRunOf(tasks: RunTask[], toolTargets: string[], seconds: number, simTargets: string[] = []): BaseRun {
  const ran = tasks.filter((t) => ['run', 'failed'].includes(outcomeOf(t.status)));
  return {
    tasks: tasks.length,
    hits: tasks.filter((t) => ['local-hit', 'remote-hit'].includes(outcomeOf(t.status))).length,
    ran: ran.length,
    compilerRuns: ran.filter((t) => toolTargets.includes(t.target)).length,
    simulatorRuns: ran.filter((t) => simTargets.includes(t.target)).length,
    seconds: Math.round(seconds * 100) / 100,
  };
}
