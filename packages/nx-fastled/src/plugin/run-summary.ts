// The lines printed at the end of a run: where the report is and how many examples were built, failed or
// not built per board, and every requested board whose toolchain is missing (said here, not only in
// `nx show project`). Printed only when the run built or broke something of nx-fastled's.
//
//   nx-fastled: 31 examples built, 0 failed, 80 not built (their filters exclude the board): uno 31/0/80
//   nx-fastled: board "native" was not built: g++ was not found; install it with: apt-get install g++
//   nx-fastled: build report: dist/report/report.html
import * as path from 'node:path';
import type { BuildReport } from '../report/model';

export interface ExampleProjectNotes {
  /** The example's Nx project name. */
  project: string;
  /** Per board, the note createNodes wrote: `built`, `skipped: ...`, `error: ...`, `toolchain missing: ...`. */
  boards: Record<string, string>;
}

export interface MissingBoard {
  board: string;
  missing: string;
  install: string;
}

interface Counts {
  built: number;
  failed: number;
  notBuilt: number;
}

export function summaryLines(
  report: BuildReport,
  reportHtml: string,
  workspaceRoot: string,
  examples: ExampleProjectNotes[],
  missing: MissingBoard[],
): string[] {
  const perBoard = new Map<string, Counts>();
  const at = (board: string) => perBoard.get(board) ?? perBoard.set(board, { built: 0, failed: 0, notBuilt: 0 }).get(board)!;
  for (const e of report.entries) {
    const c = at(e.board);
    if (e.link.outcome === 'run' || e.link.outcome === 'local-hit' || e.link.outcome === 'remote-hit') c.built++;
    else c.failed++;
  }
  for (const ex of examples) {
    for (const [board, note] of Object.entries(ex.boards)) {
      if (note.startsWith('skipped:') && !missing.some((m) => m.board === board)) at(board).notBuilt++;
    }
  }
  const lines: string[] = [];
  if (perBoard.size) {
    const total = [...perBoard.values()].reduce(
      (a, c) => ({ built: a.built + c.built, failed: a.failed + c.failed, notBuilt: a.notBuilt + c.notBuilt }),
      { built: 0, failed: 0, notBuilt: 0 },
    );
    const boards = [...perBoard.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([b, c]) => `${b} ${c.built}/${c.failed}/${c.notBuilt}`)
      .join(', ');
    lines.push(
      `nx-fastled: ${total.built} example builds done, ${total.failed} failed, ${total.notBuilt} not built (the example's filters exclude the board); per board built/failed/not built: ${boards}`,
    );
  }
  for (const m of missing)
    lines.push(`nx-fastled: board "${m.board}" was not built: ${m.missing} was not found; install it with: ${m.install}`);
  if (report.failures.length) {
    const shown = report.failures.slice(0, 5).map((f) => f.id);
    lines.push(
      `nx-fastled: failed tasks: ${shown.join(', ')}${report.failures.length > shown.length ? ` and ${report.failures.length - shown.length} more` : ''}`,
    );
  }
  lines.push(`nx-fastled: build report: ${path.relative(workspaceRoot, reportHtml).split(path.sep).join('/')}`);
  return lines;
}
