// Collect: from a run's tasks and the `<Name>.size.json` files their links left on disk to the report's
// entries (one per example and board), summary and failures. Domain code: no Nx imports.
//
// A link task is recognised by its target name; its example and board come from its `.size.json` output
// (`<outputDir>/<board>/<lib>/examples/<example path>/<Name>.size.json`), or, read back from run.json
// without outputs, from its project root or name. Sizes are read for links that ran or were restored from a
// cache (Nx restores the outputs, so the file on disk is this run's); a failed or skipped link has none,
// whatever an earlier run left there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BoardSummary,
  BuildReport,
  EntrySize,
  ExampleInfo,
  outcomeOf,
  ReportEntry,
  ReportFailure,
  ReportSkip,
  RunInfo,
  RunTask,
  zeroCounts,
} from './model';

export interface CollectOptions {
  workspaceRoot: string;
  /** Workspace-relative, POSIX (`dist`). */
  outputDir: string;
  targetNames: { compile: string; link: string };
  /** Defaults to now. */
  now?: Date;
  /** The plugin's example projects (folders, per-board notes): links to folders and skip reasons. */
  examples?: ExampleInfo[];
}

/** gcc's diagnostic form, as arduino/compile-sketches counts warnings: `file:line:col: warning:`. */
const WARNING = /:\d+:\d+: warning:/g;

/** Compiler warnings in a task's terminal output. */
export function countWarnings(output: string | undefined): number {
  return output ? (output.match(WARNING) ?? []).length : 0;
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

function duration(t: RunTask): number | undefined {
  return t.startTime !== undefined && t.endTime !== undefined && t.endTime >= t.startTime ? seconds(t.endTime - t.startTime) : undefined;
}

const percent = (value: number, limit: number | undefined) => (limit ? Math.round((value / limit) * 1000) / 10 : undefined);

interface LinkPlace {
  board: string;
  library: string;
  /** Path below the library's examples/ folder. */
  examplePath: string;
  /** Workspace-relative size.json, or undefined when it has to be looked for in `dir`. */
  sizeFile?: string;
  dir: string;
}

/** Where a link task's outputs live, and which example and board it is. */
export function linkPlace(task: RunTask, outputDir: string): LinkPlace | undefined {
  const prefix = `${outputDir.replace(/\/+$/, '')}/`;
  const parse = (rel: string) => {
    if (!rel.startsWith(prefix)) return undefined;
    const parts = rel.slice(prefix.length).split('/');
    if (parts.length < 4 || parts[2] !== 'examples') return undefined;
    return { board: parts[0], library: parts[1], rest: parts.slice(3) };
  };
  const sizeOutput = task.outputs?.find((o) => o.endsWith('.size.json'));
  if (sizeOutput) {
    const p = parse(sizeOutput);
    if (p && p.rest.length >= 2) {
      return {
        board: p.board,
        library: p.library,
        examplePath: p.rest.slice(0, -1).join('/'),
        sizeFile: sizeOutput,
        dir: path.posix.dirname(sizeOutput),
      };
    }
  }
  const root = task.projectRoot ?? `${prefix}${task.project}`;
  const p = parse(root);
  if (!p || p.rest.length < 1) return undefined;
  return { board: p.board, library: p.library, examplePath: p.rest.join('/'), dir: root };
}

/** The example of a sketch's compile task (`<b>/<lib>/examples/<example path>/<Name>.ino`), from its outputs
 *  (`<outputDir>/<b>/<lib>/obj/examples/<example path>/<Name>.ino.cpp.o`) or its project name. */
export function sketchPlace(task: RunTask, outputDir: string): { board: string; library: string; examplePath: string } | undefined {
  const fromParts = (parts: string[], file: string) => {
    const dir = parts[parts.length - 1];
    return dir !== undefined && file === `${dir}.ino` ? parts.join('/') : undefined;
  };
  const prefix = `${outputDir.replace(/\/+$/, '')}/`;
  const object = task.outputs?.find((o) => o.startsWith(prefix) && o.endsWith('.ino.cpp.o'));
  if (object) {
    const parts = object.slice(prefix.length).split('/');
    if (parts.length >= 6 && parts[2] === 'obj' && parts[3] === 'examples') {
      const examplePath = fromParts(parts.slice(4, -1), parts[parts.length - 1].replace(/\.cpp\.o$/, ''));
      if (examplePath) return { board: parts[0], library: parts[1], examplePath };
    }
  }
  const parts = task.project.split('/');
  if (parts.length < 5 || parts[2] !== 'examples') return undefined;
  const examplePath = fromParts(parts.slice(3, -1), parts[parts.length - 1]);
  return examplePath ? { board: parts[0], library: parts[1], examplePath } : undefined;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The sizes a link wrote, or undefined when there are none or the board measures nothing. */
export function readSize(workspaceRoot: string, place: LinkPlace): EntrySize | undefined {
  let file = place.sizeFile;
  if (!file) {
    const dir = path.join(workspaceRoot, place.dir);
    const base = place.examplePath.split('/').pop();
    const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.size.json')) : [];
    const name = names.find((n) => n === `${base}.size.json`) ?? (names.length === 1 ? names[0] : undefined);
    if (!name) return undefined;
    file = `${place.dir}/${name}`;
  }
  const raw = readJson(path.join(workspaceRoot, file)) as
    { flash?: unknown; ram?: unknown; flashLimit?: unknown; ramLimit?: unknown; sections?: Record<string, number> } | undefined;
  if (!raw || typeof raw.flash !== 'number' || typeof raw.ram !== 'number') return undefined;
  const sections = raw.sections && typeof raw.sections === 'object' ? raw.sections : {};
  const flashLimit = typeof raw.flashLimit === 'number' ? raw.flashLimit : undefined;
  const ramLimit = typeof raw.ramLimit === 'number' ? raw.ramLimit : undefined;
  // A board without a size tool writes zeros and no sections: nothing was measured.
  if (raw.flash === 0 && raw.ram === 0 && Object.keys(sections).length === 0 && flashLimit === undefined && ramLimit === undefined)
    return undefined;
  return {
    flash: raw.flash,
    ram: raw.ram,
    ...(flashLimit !== undefined ? { flashLimit, flashPct: percent(raw.flash, flashLimit) } : {}),
    ...(ramLimit !== undefined ? { ramLimit, ramPct: percent(raw.ram, ramLimit) } : {}),
    file,
    sections,
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;
const WHY = /\b(error|fatal)\b|undefined reference|multiple definition|too large|nx-fastled:|No such file/i;
const CONTEXT =
  /: In (function|member function|constructor|destructor|instantiation|static member function)|^In file included from|^\s+from \S+:\d+/;
const NX_NOISE = /^(>\s|Warning: command ".*" exited with non-zero status code|NX\s)/;

/** The first lines of a failed task's output that say why: compiler errors first, else its last lines. */
export function whyLines(output: string | undefined, max = 8): string[] | undefined {
  if (!output) return undefined;
  const lines = output
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '' && !NX_NOISE.test(l.trim()));
  if (lines.length === 0) return undefined;
  let first = lines.findIndex((l) => WHY.test(l));
  // The compiler's context lines just before the first error ("In function ...", "In file included from").
  for (let context = 0; context < 3 && first > 0 && CONTEXT.test(lines[first - 1]); context++) first--;
  const picked = first >= 0 ? lines.slice(first, first + max) : lines.slice(-max);
  return picked.map((l) => (l.length > 300 ? `${l.slice(0, 297)}...` : l));
}

export function collect(run: RunInfo, options: CollectOptions): BuildReport {
  const { compile: compileTarget, link: linkTarget } = options.targetNames;
  const entries: ReportEntry[] = [];
  const linkProjects: { project: string; entry: ReportEntry }[] = [];

  for (const task of run.tasks) {
    if (task.target !== linkTarget) continue;
    const place = linkPlace(task, options.outputDir);
    if (!place) continue;
    const outcome = outcomeOf(task.status);
    const size = outcome === 'failed' || outcome === 'skipped' ? undefined : readSize(options.workspaceRoot, place);
    const entry: ReportEntry = {
      example: `${place.library}/${place.examplePath}`,
      library: place.library,
      board: place.board,
      link: { task: task.id, outcome, status: task.status, ...(duration(task) !== undefined ? { seconds: duration(task) } : {}) },
      compile: { tasks: [], counts: zeroCounts(), seconds: 0 },
      ...(size ? { size } : {}),
      warnings: task.warnings ?? 0,
    };
    entries.push(entry);
    linkProjects.push({ project: task.project, entry });
  }

  // A run that failed does not start the links that depended on the failure (Nx leaves them out of its
  // results): an example whose sketch compile is in the run but whose link is not gets an entry too.
  for (const task of run.tasks) {
    if (task.target !== compileTarget) continue;
    const place = sketchPlace(task, options.outputDir);
    if (!place) continue;
    const linkProject = task.project.slice(0, task.project.lastIndexOf('/'));
    if (linkProjects.some((l) => l.project === linkProject)) continue;
    const entry: ReportEntry = {
      example: `${place.library}/${place.examplePath}`,
      library: place.library,
      board: place.board,
      link: { task: `${linkProject}:${linkTarget}`, outcome: 'skipped', status: 'not-run' },
      compile: { tasks: [], counts: zeroCounts(), seconds: 0 },
      warnings: 0,
    };
    entries.push(entry);
    linkProjects.push({ project: linkProject, entry });
  }

  // An example's own compile tasks are the projects below its link project (`<link project>/<file>`);
  // the longest match wins, should a nested example sit below another one.
  linkProjects.sort((a, b) => b.project.length - a.project.length);
  for (const task of run.tasks) {
    if (task.target !== compileTarget) continue;
    const owner = linkProjects.find((l) => task.project.startsWith(`${l.project}/`));
    if (!owner) continue;
    const outcome = outcomeOf(task.status);
    const c = owner.entry.compile;
    c.tasks.push(task.id);
    c.counts[outcome]++;
    owner.entry.warnings += task.warnings ?? 0;
    if (outcome === 'run' || outcome === 'failed') c.seconds = Math.round((c.seconds + (duration(task) ?? 0)) * 100) / 100;
  }

  entries.sort((a, b) => (a.example === b.example ? cmp(a.board, b.board) : cmp(a.example, b.example)));
  for (const e of entries) e.compile.tasks.sort();

  // Folders, and the boards an example of this run was not built for: only examples the run touched (one of
  // its links, or its build task), so a single-example run does not list the whole library's skips.
  let skips: ReportSkip[] | undefined;
  if (options.examples) {
    const info = new Map(options.examples.map((x) => [x.example, x]));
    for (const e of entries) {
      const root = info.get(e.example)?.root;
      if (root) e.root = root;
    }
    const touched = new Set([...entries.map((e) => e.example), ...run.tasks.map((t) => t.project)]);
    skips = options.examples
      .filter((x) => touched.has(x.example))
      .flatMap((x) =>
        Object.entries(x.boards)
          .filter(([, note]) => note !== 'built')
          .map(([board, note]) => ({ example: x.example, board, reason: note.replace(/^skipped: /, ''), root: x.root })),
      )
      .sort((a, b) => (a.example === b.example ? cmp(a.board, b.board) : cmp(a.example, b.example)));
  }

  const counts = zeroCounts();
  let compileSeconds = 0;
  let linkSeconds = 0;
  for (const t of run.tasks) {
    const outcome = outcomeOf(t.status);
    counts[outcome]++;
    if (outcome === 'run' || outcome === 'failed') {
      if (t.target === compileTarget) compileSeconds += duration(t) ?? 0;
      if (t.target === linkTarget) linkSeconds += duration(t) ?? 0;
    }
  }

  const boards: BoardSummary[] = [...new Set(entries.map((e) => e.board))].sort().map((board) => {
    const mine = entries.filter((e) => e.board === board);
    const withLimits = mine.find((e) => e.size?.flashLimit !== undefined || e.size?.ramLimit !== undefined)?.size;
    const tasks = zeroCounts();
    let boardCompile = 0;
    for (const t of run.tasks) {
      if (!t.project.startsWith(`${board}/`)) continue;
      const outcome = outcomeOf(t.status);
      tasks[outcome]++;
      if (t.target === compileTarget && (outcome === 'run' || outcome === 'failed')) boardCompile += duration(t) ?? 0;
    }
    return {
      board,
      ...(withLimits?.flashLimit !== undefined ? { flashLimit: withLimits.flashLimit } : {}),
      ...(withLimits?.ramLimit !== undefined ? { ramLimit: withLimits.ramLimit } : {}),
      entries: mine.length,
      measured: mine.some((e) => e.size),
      tasks,
      compileSeconds: Math.round(boardCompile * 100) / 100,
    };
  });

  const failures: ReportFailure[] = run.tasks
    .filter((t) => outcomeOf(t.status) === 'failed')
    .map((t) => {
      const reason = whyLines(t.terminalOutput);
      return { id: t.id, project: t.project, target: t.target, status: t.status, ...(reason ? { reason } : {}) };
    })
    .sort((a, b) => cmp(a.id, b.id));

  return {
    version: 1,
    generatedAt: (options.now ?? new Date()).toISOString(),
    run: { startTime: run.startTime, endTime: run.endTime, argv: run.argv },
    summary: {
      tasks: run.tasks.length,
      counts,
      compileSeconds: Math.round(compileSeconds * 100) / 100,
      linkSeconds: Math.round(linkSeconds * 100) / 100,
      wallSeconds: run.endTime >= run.startTime ? seconds(run.endTime - run.startTime) : 0,
      examples: new Set(entries.map((e) => e.example)).size,
      entries: entries.length,
      regressions: 0,
      improvements: 0,
    },
    boards,
    entries,
    ...(skips ? { skips } : {}),
    failures,
    ...(run.boardsNotBuilt?.length ? { boardsNotBuilt: run.boardsNotBuilt } : {}),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
