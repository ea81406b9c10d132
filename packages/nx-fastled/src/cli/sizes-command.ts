// `sizes`: a pull request's size changes against its base commit, with the base's sizes taken from the cache.
//
//   nx-fastled-task sizes --base <git ref> [--head-report <report.json>] [--base-report <report.json>]
//        [--budget <size-budget.json>] [--out <dir>] [--output-dir dist] [--target build]
//        [--head-sha <sha>] [--repo-url https://github.com/<owner>/<repo>] [--fqbn uno=arduino:avr:uno,...]
//        [--test-target test|none]
//
// The head's sizes are the last run's build report in this workspace (`<output-dir>/report/report.json`, run
// the build first). The base's: `--base-report` when given (e.g. main's report kept as an artifact), else a
// build of the base commit in a temporary git worktree (submodules as git worktrees of the local submodule
// checkouts, node_modules linked) with this workspace's caches: the same cache directory, a copy of Nx's
// local-cache index, the remote cache of the environment. Once the base's CI has run, that build is cache hits
// only: no compiler runs, and `sizes.json` counts them (`base.run.compilerRuns`).
//
// LED and serial output: when the head's run tested its examples (frames files of `--test-target` tasks in its
// run.json), the base build runs that target too (as cache hits once the base's CI ran it: `simulatorRuns`),
// and each example's frames and serial output are compared (report/output-changes.ts): the changed ones are
// listed in the PR comment and shown base | head in report.html.
//
// Writes under `--out` (default `<output-dir>/sizes`), each file to a temporary name then renamed:
//   sizes.json                   the comparison (src/report/sizes.ts)
//   pr-comment.md                one pull-request comment, updated in place (src/report/render-pr-comment.ts)
//   report.html                  the head's HTML report with the changes against the base (sizes; LED filmstrips
//                                and serial output base | head for the examples whose output changed)
//   sketches-reports/<fqbn>.json arduino/compile-sketches' report format, for arduino/report-size-deltas
// and appends pr-comment.md to $GITHUB_STEP_SUMMARY when set. Exit code 1 when the size budget is exceeded
// (each violation on stderr, and as a GitHub annotation under GitHub Actions), 2 on bad input.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Budget, BudgetError, checkBudget, readBudget } from '../report/budget';
import { compare, readBaseline } from '../report/compare';
import {
  compareOutputs,
  OUTPUT_CHANGES_CSS,
  OutputComparison,
  readSideOutputs,
  renderOutputChanges,
  SideOutputs,
} from '../report/output-changes';
import { BuildReport, RunTask } from '../report/model';
import { renderHtml } from '../report/render-html';
import { renderPrComment } from '../report/render-pr-comment';
import { baseRunOf, BaseSide, SizesComparison } from '../report/sizes';
import { reportFileName, sketchesReports } from '../report/sketches-report';
import { defineCommand, parseCommand, UsageError } from '../util/args';
import { writeAtomic } from '../util/atomic';

export const SIZES_COMMAND = defineCommand({
  command: 'nx-fastled-task sizes',
  usage: '--base <git ref> [--base-report <report.json>] [--budget <file>] [--out <dir>] [...]',
  about:
    "Compares the last build's sizes with the base commit's (built from the cache in a temporary worktree, or read from --base-report), " +
    "checks the size budget, and writes sizes.json, pr-comment.md, report.html and compile-sketches' sketches-reports/. Exit 1: over budget.",
  options: {
    base: { type: 'string', description: 'the git commit to compare with' },
    'base-report': { type: 'string', description: "the base's report.json (no base build)" },
    'head-report': { type: 'string', description: "the head's report.json (default <output-dir>/report/report.json)" },
    budget: { type: 'string', description: 'the size budget (default size-budget.json when present)' },
    out: { type: 'string', description: 'where to write (default <output-dir>/sizes)' },
    'output-dir': { type: 'string', description: "the plugin's outputDir (default dist)" },
    target: { type: 'string', description: 'what the base build runs (default build)' },
    workspace: { type: 'string', description: 'the workspace root (default the current folder)' },
    'head-sha': { type: 'string', description: 'the commit the reports name (default HEAD)' },
    'repo-url': { type: 'string', description: 'https://github.com/<owner>/<repo> (default from GITHUB_SERVER_URL and GITHUB_REPOSITORY)' },
    fqbn: { type: 'string', description: '<board>=<fqbn>,... for the sketches reports' },
    'test-target': {
      type: 'string',
      description:
        "the target that runs examples (default test); its LED and serial output is compared when the head's run ran it; none: never",
    },
  },
  required: ['base'],
  maxPositionals: 0,
});

class SizesError extends Error {
  exitCode = 2;
}

function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new SizesError(`nx-fastled-task sizes: cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new SizesError(`nx-fastled-task sizes: git ${args.join(' ')} (in ${cwd}) failed: ${r.stderr.trim()}`);
  return r.stdout;
}

function tryGit(cwd: string, args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
}

/** Nx's cache directory for this workspace when it is not the per-user default: env, then nx.json. */
function configuredCacheDir(workspaceRoot: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.NX_CACHE_DIRECTORY) return path.resolve(workspaceRoot, env.NX_CACHE_DIRECTORY);
  try {
    const dir = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'nx.json'), 'utf8')).cacheDirectory;
    return typeof dir === 'string' ? path.resolve(workspaceRoot, dir) : undefined;
  } catch {
    return undefined;
  }
}

interface BaseCheckout {
  root: string;
  cleanup: () => void;
}

/**
 * The base commit in a temporary worktree: the same relative layout as this checkout (task hashes are
 * content and workspace-relative paths only), submodules at the base's pointers, node_modules linked.
 */
function checkoutBase(workspaceRoot: string, sha: string, warn: (m: string) => void): BaseCheckout {
  const top = git(workspaceRoot, ['rev-parse', '--show-toplevel']).trim();
  const prefix = git(workspaceRoot, ['rev-parse', '--show-prefix']).trim();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-sizes-base-'));
  const checkout = path.join(tmp, 'checkout');
  const undo: (() => void)[] = [() => fs.rmSync(tmp, { recursive: true, force: true })];
  const cleanup = () => {
    for (const f of undo.reverse()) {
      try {
        f();
      } catch {
        // A cleanup step that fails leaves a temp folder behind, never a wrong result.
      }
    }
  };
  try {
    git(top, ['worktree', 'add', '--detach', '--quiet', checkout, sha]);
    undo.push(() => {
      git(top, ['worktree', 'remove', '--force', checkout]);
      git(top, ['worktree', 'prune']);
    });
    // Submodules (mode 160000 entries) come from the local submodule checkouts, never from the network.
    for (const line of git(top, ['ls-tree', '-r', '-z', sha]).split('\0')) {
      const m = /^160000 commit ([0-9a-f]+)\t(.+)$/.exec(line);
      if (!m) continue;
      const [, subSha, rel] = m;
      const local = path.join(top, rel);
      const dest = path.join(checkout, rel);
      const isRepo = fs.existsSync(path.join(local, '.git'));
      if (isRepo && tryGit(local, ['cat-file', '-e', `${subSha}^{commit}`]) !== undefined) {
        fs.rmSync(dest, { recursive: true, force: true });
        git(local, ['worktree', 'add', '--detach', '--quiet', dest, subSha]);
        undo.push(() => {
          git(local, ['worktree', 'remove', '--force', dest]);
          git(local, ['worktree', 'prune']);
        });
      } else if (isRepo) {
        throw new SizesError(
          `nx-fastled-task sizes: the base's ${rel} is at ${subSha}, which ${rel} does not have; fetch it (git -C ${rel} fetch origin ${subSha}) or pass --base-report`,
        );
      } else if (fs.existsSync(local)) {
        warn(
          `nx-fastled-task sizes: ${rel} is not a git checkout; the base uses its files as they are here (assuming the base's pointer ${subSha.slice(0, 10)} matches)`,
        );
        fs.cpSync(local, dest, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
      }
    }
    const root = path.join(checkout, prefix);
    if (!fs.existsSync(path.join(root, 'nx.json')))
      throw new SizesError(`nx-fastled-task sizes: the base commit ${sha.slice(0, 10)} has no ${path.posix.join(prefix, 'nx.json')}`);
    const modules = path.join(workspaceRoot, 'node_modules');
    if (fs.existsSync(modules) && !fs.existsSync(path.join(root, 'node_modules')))
      fs.symlinkSync(fs.realpathSync(modules), path.join(root, 'node_modules'));
    return { root, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

interface BaseBuild {
  report: BuildReport;
  tasks: RunTask[];
  seconds: number;
  /** The base's frames files, read before its checkout is removed (when a test target ran). */
  outputs?: SideOutputs;
}

/** Builds the base checkout with this workspace's caches and returns its report and run record. */
function buildBase(
  workspaceRoot: string,
  base: BaseCheckout,
  opts: { outputDir: string; target: string; testTarget?: string; warn: (m: string) => void },
): BaseBuild {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_FASTLED_REPORT_BASELINE: 'none' };
  delete env.GITHUB_STEP_SUMMARY;
  const cacheDir = configuredCacheDir(workspaceRoot, process.env);
  if (cacheDir || process.env.NX_WORKSPACE_DATA_DIRECTORY) {
    // A configured cache folder is only used through Nx's index of it (a SQLite database in the workspace data
    // folder): the base gets the same folder and a copy of the index, in a data folder of its own.
    if (cacheDir) env.NX_CACHE_DIRECTORY = cacheDir;
    const data = process.env.NX_WORKSPACE_DATA_DIRECTORY
      ? path.resolve(workspaceRoot, process.env.NX_WORKSPACE_DATA_DIRECTORY)
      : path.join(workspaceRoot, '.nx/workspace-data');
    const baseData = path.join(base.root, '.nx/workspace-data');
    fs.mkdirSync(baseData, { recursive: true });
    if (fs.existsSync(data))
      for (const f of fs.readdirSync(data).filter((f) => /\.db(-wal)?$/.test(f)))
        fs.copyFileSync(path.join(data, f), path.join(baseData, f));
    env.NX_WORKSPACE_DATA_DIRECTORY = baseData;
  }
  // Otherwise Nx's per-user cache is keyed by the repository, which the worktree shares.
  const nxBin = path.join(base.root, 'node_modules/.bin/nx');
  const [cmd, args] = fs.existsSync(nxBin) ? [nxBin, [] as string[]] : ['npx', ['nx']];
  const started = Date.now();
  // One invocation for both targets: once the base's CI ran them, all of it is cache hits.
  const targets = [opts.target, ...(opts.testTarget ? [opts.testTarget] : [])].join(',');
  const r = spawnSync(cmd, [...args, 'run-many', `--targets=${targets}`, '--outputStyle=static'], {
    cwd: base.root,
    env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  const reportFile = path.join(base.root, opts.outputDir, 'report', 'report.json');
  const runFile = path.join(base.root, opts.outputDir, 'report', 'run.json');
  if (!fs.existsSync(reportFile) || !fs.existsSync(runFile)) {
    throw new SizesError(
      `nx-fastled-task sizes: the base build wrote no report (nx exited ${r.status}):\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n')}`,
    );
  }
  const report = readBaseline(reportFile);
  const tasks: RunTask[] = JSON.parse(fs.readFileSync(runFile, 'utf8')).tasks;
  if (r.status !== 0) {
    const failed = tasks.filter((t) => t.status === 'failure').map((t) => t.id);
    opts.warn(
      `nx-fastled-task sizes: the base run (${targets}) exited ${r.status}; ${failed.length} failed task${failed.length === 1 ? '' : 's'} (${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', ...' : ''}) have no base sizes or frames`,
    );
  }
  const outputs = opts.testTarget ? readSideOutputs(base.root, opts.outputDir, report.entries, opts.testTarget, tasks) : undefined;
  return { report, tasks, seconds, ...(outputs ? { outputs } : {}) };
}

function parseFqbn(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',').filter(Boolean)) {
    const [board, fqbn] = pair.split('=');
    if (!board || !fqbn) throw new UsageError(`nx-fastled-task sizes: --fqbn expects <board>=<fqbn>[,...], got "${pair}"`);
    out[board.trim()] = fqbn.trim();
  }
  return out;
}

export interface SizesResult {
  comparison: SizesComparison;
  files: { json: string; markdown: string; html: string; sketchesReports: string[] };
}

export function runSizes(argv: string[], cwd = process.cwd()): SizesResult | undefined {
  const args = parseCommand(SIZES_COMMAND, argv);
  if (!args) return undefined;
  const flags = { get: (k: keyof typeof SIZES_COMMAND.options) => args.values[k] as string | undefined };
  const ref = flags.get('base')!;
  const workspaceRoot = path.resolve(cwd, flags.get('workspace') ?? '.');
  const outputDir = (flags.get('output-dir') ?? 'dist').replace(/\/+$/, '');
  const target = flags.get('target') ?? 'build';
  const out = path.resolve(workspaceRoot, flags.get('out') ?? path.join(outputDir, 'sizes'));
  const warn = (m: string) => process.stderr.write(`${m}\n`);

  const headFile = path.resolve(workspaceRoot, flags.get('head-report') ?? path.join(outputDir, 'report', 'report.json'));
  if (!fs.existsSync(headFile))
    throw new SizesError(
      `nx-fastled-task sizes: ${path.relative(workspaceRoot, headFile)} does not exist; build first (nx run-many -t ${target}), then compare`,
    );
  const head = readBaseline(headFile);
  // The head's frames files count when its run (run.json beside its report) ran the test target.
  const testTargetArg = flags.get('test-target') ?? 'test';
  const headRunFile = path.join(path.dirname(headFile), 'run.json');
  let headOutputs: SideOutputs | undefined;
  if (testTargetArg !== 'none' && fs.existsSync(headRunFile)) {
    const headTasks: RunTask[] = JSON.parse(fs.readFileSync(headRunFile, 'utf8')).tasks ?? [];
    if (headTasks.some((t) => t.target === testTargetArg))
      headOutputs = readSideOutputs(workspaceRoot, outputDir, head.entries, testTargetArg, headTasks);
  }
  const testTarget = headOutputs ? testTargetArg : undefined;

  // The budget: the file given, else size-budget.json when the workspace has one.
  let budget: Budget | undefined;
  const budgetArg = flags.get('budget');
  const budgetFile = budgetArg ? path.resolve(workspaceRoot, budgetArg) : path.join(workspaceRoot, 'size-budget.json');
  if (budgetArg || fs.existsSync(budgetFile)) {
    try {
      budget = readBudget(budgetFile, path.relative(workspaceRoot, budgetFile) || budgetFile);
    } catch (e) {
      if (e instanceof BudgetError) throw new SizesError(`nx-fastled-task sizes: ${e.message}`);
      throw e;
    }
  }

  const headSha = flags.get('head-sha') ?? tryGit(workspaceRoot, ['rev-parse', 'HEAD'])?.trim();
  let baseReport: BuildReport;
  let baseSide: BaseSide;
  let baseOutputs: SideOutputs | undefined;
  const baseReportArg = flags.get('base-report');
  if (baseReportArg) {
    baseReport = readBaseline(path.resolve(workspaceRoot, baseReportArg));
    baseSide = {
      ref,
      commit: tryGit(workspaceRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])?.trim() || undefined,
      source: 'report',
      reportFile: baseReportArg,
    };
  } else {
    const sha = git(workspaceRoot, ['rev-parse', '--verify', `${ref}^{commit}`]).trim();
    const checkout = checkoutBase(workspaceRoot, sha, warn);
    try {
      const built = buildBase(workspaceRoot, checkout, { outputDir, target, testTarget, warn });
      baseReport = built.report;
      baseOutputs = built.outputs;
      baseSide = {
        ref,
        commit: sha,
        source: 'cache-build',
        run: baseRunOf(built.tasks, ['compile', 'archive', 'link'], built.seconds, testTarget ? [testTarget] : []),
      };
    } finally {
      checkout.cleanup();
    }
  }

  const shown =
    baseSide.commit && baseSide.commit.startsWith(ref)
      ? baseSide.commit.slice(0, 10)
      : `${ref}${baseSide.commit ? ` (${baseSide.commit.slice(0, 10)})` : ''}`;
  const report = compare(head, baseReport, { thresholdBytes: 0, source: shown });
  const violations = budget ? checkBudget(budget, report.entries) : [];
  let outputs: OutputComparison | undefined;
  // A base read from a report file has sizes only: no output comparison then.
  if (testTarget && headOutputs && baseOutputs)
    outputs = compareOutputs(testTarget, report.entries, baseReport.entries, headOutputs, baseOutputs);
  const comparison: SizesComparison = {
    version: 1,
    generatedAt: new Date().toISOString(),
    head: headSha ? { commit: headSha } : {},
    base: baseSide,
    report,
    ...(budget ? { budget: { file: budget.file, violations } } : {}),
    ...(outputs ? { outputs } : {}),
  };

  const env = process.env;
  const repoUrl =
    flags.get('repo-url') ??
    (env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}` : undefined);
  const markdown = renderPrComment(comparison, { repoUrl });
  const files = {
    json: path.join(out, 'sizes.json'),
    markdown: path.join(out, 'pr-comment.md'),
    html: path.join(out, 'report.html'),
    sketchesReports: [] as string[],
  };
  writeAtomic(files.json, `${JSON.stringify(comparison, null, 2)}\n`);
  writeAtomic(files.markdown, markdown);
  let extra: { html: string; css: string } | undefined;
  if (outputs && headOutputs && baseOutputs) {
    try {
      extra = { html: renderOutputChanges(outputs, baseOutputs, headOutputs), css: OUTPUT_CHANGES_CSS };
    } catch (e) {
      warn(`nx-fastled-task sizes: report.html without filmstrips: ${(e as Error).message}`);
    }
  }
  writeAtomic(
    files.html,
    renderHtml(report, { reportDir: path.relative(workspaceRoot, out).split(path.sep).join('/'), ...(extra ? { extra } : {}) }),
  );
  const reportsDir = path.join(out, 'sketches-reports');
  fs.rmSync(reportsDir, { recursive: true, force: true });
  for (const r of sketchesReports(report, {
    commitHash: headSha ?? 'unknown',
    repoUrl: repoUrl ?? 'https://github.com/unknown/unknown',
    baseline: baseReport.entries,
    fqbn: parseFqbn(flags.get('fqbn')),
  })) {
    const file = path.join(reportsDir, reportFileName(r.boards[0].board));
    writeAtomic(file, `${JSON.stringify(r, null, 2)}\n`);
    files.sketchesReports.push(file);
  }
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      fs.appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
    } catch (e) {
      warn(`nx-fastled-task sizes: cannot append to GITHUB_STEP_SUMMARY: ${(e as Error).message}`);
    }
  }

  const c = report.comparison!;
  const run = baseSide.run;
  process.stdout.write(
    `nx-fastled sizes: ${report.entries.length} entries against ${ref}: ${c.regressions} grew, ${c.improvements} shrank, ${c.unchanged} unchanged, ${c.added} new` +
      `${run ? `; base from the cache: ${run.tasks} tasks, ${run.hits} hits, ${run.compilerRuns} compiler runs, ${run.simulatorRuns} simulator runs` : ''}\n` +
      (outputs
        ? `nx-fastled sizes: LED and serial output: ${outputs.compared} compared, ${outputs.changed.length} changed${outputs.changed.length ? ` (${outputs.changed.map((x) => `${x.example} on ${x.board}`).join(', ')})` : ''}${outputs.notCompared.length ? `, ${outputs.notCompared.length} not compared` : ''}\n`
        : '') +
      `nx-fastled sizes: ${path.relative(cwd, files.markdown)}, ${path.relative(cwd, files.json)}, ${path.relative(cwd, files.html)}\n`,
  );
  if (violations.length) {
    for (const v of violations) {
      process.stderr.write(`nx-fastled sizes: over budget: ${v.message}\n`);
      if (env.GITHUB_ACTIONS === 'true')
        process.stdout.write(`::error title=Size budget::${v.message.replace(/%/g, '%25').replace(/\r?\n/g, '%0A')}\n`);
    }
    process.exitCode = 1;
  }
  return { comparison, files };
}
