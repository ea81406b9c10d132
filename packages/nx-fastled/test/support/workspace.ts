// Throwaway Nx workspaces for integration tests: fixture libraries copied in, nx-fastled registered the way
// a user would have it (through node_modules/nx-fastled), a private Nx cache, no daemon, real compilers.
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES = path.join(REPO_ROOT, 'packages/nx-fastled/test/fixtures/libs');

export interface TestWorkspace {
  root: string;
  /** Runs `nx <args>` in the workspace; never throws. */
  nx(args: string[], env?: Record<string, string | undefined>): SpawnSyncReturns<string>;
  /** The run record written by the plugin's postTasksExecution. */
  lastRun(): { tasks: { id: string; project: string; target: string; status: string }[] };
  write(rel: string, text: string): void;
  read(rel: string): string;
}

export interface WorkspaceOptions {
  /** Fixture library folder names under test/fixtures/libs, or absolute paths; copied to `libraries/<name>`. */
  libraries: string[];
  boards?: string[];
  /** Parent folder; a fresh temp folder by default. */
  parent?: string;
  /** Shared Nx cache folder (for cross-workspace tests); a private one by default. */
  cacheDirectory?: string;
  pluginOptions?: Record<string, unknown>;
}

/**
 * Nx's default: each plugin in a worker process of its own. The tests run the plugin inside Nx's process
 * instead (`NX_ISOLATE_PLUGINS=false`): the same createNodes, createDependencies and task hooks run, and a
 * cached run costs about 2.4 s less CPU (2 cores, LedStrip on native: 5.6 s -> 3.2 s). What only the worker
 * transport does (preTasksExecution's environment sent back through a proxy, failed tasks' terminal output
 * sent as stubs) is covered by the runs that pass this: ci-recipe, the packaging e2e (a user's install),
 * report.spec's failed compile.
 */
export const NX_PLUGIN_ISOLATION: Record<string, string | undefined> = { NX_ISOLATE_PLUGINS: undefined };

/** The environment every test runs nx with: no daemon, no cloud, a given local cache, no TUI, CI mode. */
export function nxEnv(cacheDirectory: string, env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NX_ISOLATE_PLUGINS: 'false',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_CACHE_DIRECTORY: cacheDirectory,
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: undefined,
    NX_FASTLED_BOARDS: undefined,
    GITHUB_STEP_SUMMARY: undefined,
    CI: 'true',
    ...env,
  };
}

export function hasProgram(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}

export const HAS_AVR = hasProgram('avr-g++') && fs.existsSync('/usr/share/arduino/hardware/arduino/avr/platform.txt');

export function makeWorkspace(opts: WorkspaceOptions): TestWorkspace {
  const parent = opts.parent ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-ws-'));
  const root = path.join(parent, 'ws');
  fs.mkdirSync(root, { recursive: true });
  for (const lib of opts.libraries) {
    const src = path.isAbsolute(lib) ? lib : path.join(FIXTURES, lib);
    fs.cpSync(src, path.join(root, 'libraries', path.basename(src)), { recursive: true });
  }
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fixture-ws', private: true }, null, 2));
  fs.writeFileSync(path.join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: {} }, null, 2));
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\ndist\n.nx\n');
  fs.writeFileSync(
    path.join(root, 'nx.json'),
    JSON.stringify(
      {
        useDaemonProcess: false,
        neverConnectToCloud: true,
        plugins: [{ plugin: 'nx-fastled', options: { boards: opts.boards ?? ['native', 'uno'], ...(opts.pluginOptions ?? {}) } }],
      },
      null,
      2,
    ),
  );
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return openWorkspace(root, opts.cacheDirectory ?? path.join(parent, 'nx-cache'));
}

/** A handle on an existing workspace folder (e.g. a copy of another one). */
export function openWorkspace(root: string, cacheDirectory: string): TestWorkspace {
  const ws: TestWorkspace = {
    root,
    nx(args, env = {}) {
      return spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/nx'), args, {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: nxEnv(cacheDirectory, env),
      });
    },
    lastRun() {
      return JSON.parse(fs.readFileSync(path.join(root, 'dist/report/run.json'), 'utf8'));
    },
    write(rel, text) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    },
    read(rel) {
      return fs.readFileSync(path.join(root, rel), 'utf8');
    },
  };
  return ws;
}

export function statusCounts(tasks: { status: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of tasks) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return counts;
}

/** The project graph Nx wrote for the last command (saves an `nx show project` call per project). */
export function projectGraph(ws: TestWorkspace): {
  nodes: Record<
    string,
    {
      data: {
        root: string;
        namedInputs?: Record<string, unknown[]>;
        targets: Record<string, { inputs?: unknown[]; outputs?: string[]; options?: { command?: string } }>;
      };
    }
  >;
} {
  return JSON.parse(fs.readFileSync(path.join(ws.root, '.nx/workspace-data/project-graph.json'), 'utf8'));
}
