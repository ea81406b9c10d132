// CPU time of nx-fastled's createNodes (buildGraph, in this process: no Nx process, no project-graph cache,
// no plugin graph cache) for a library on 1 board and on many, so graph construction can be compared before
// and after a change on a shared machine, where wall-clock times mean little. Counted: this process's user+sys
// CPU and that of the processes it waited for (compiler probes, preprocessor runs), from /proc/self/stat.
//
//   nice -n 19 node -r @swc-node/register tools/bench/graph-cpu.ts --library vendor/FastLED \
//        --work /tmp/h-boards/graph --boards uno [--warm] [--repeat 1] [--out <file.json>]
//
// `--work` holds the workspace (the library copied to vendor/<Name>, made once). Without --warm, the
// plugin's memo folder (scan cache, probe and preprocessor memos) is removed first: a cold graph. Prints one
// JSON object: { boards, cold, cpu: { self, children, total } (seconds), wall, projects, loadAvg }.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { CreateNodesContextV2 } from '@nx/devkit';
import { buildGraph } from '../../packages/nx-fastled/src/plugin/create-nodes';
import { memoDir } from '../../packages/nx-fastled/src/plugin/state';
import { createWorkspace } from './workspace';

const TICK = 100; // USER_HZ on Linux

/** User+sys seconds of this process and of the children it waited for. */
function cpu(): { self: number; children: number } {
  const fields = fs
    .readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // after the command name: state is field 3; utime 14, stime 15, cutime 16, cstime 17 (1-based in proc(5))
  const at = (n: number) => Number(fields[n - 3]);
  return { self: (at(14) + at(15)) / TICK, children: (at(16) + at(17)) / TICK };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      library: { type: 'string', default: 'vendor/FastLED' },
      work: { type: 'string', default: path.join(os.tmpdir(), 'nxf-graph-cpu') },
      boards: { type: 'string', default: 'uno' },
      warm: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const library = path.resolve(values.library!);
  const libName = path.basename(library);
  const root = path.join(path.resolve(values.work!), 'ws');
  if (!fs.existsSync(path.join(root, 'vendor', libName, 'library.properties'))) {
    fs.rmSync(root, { recursive: true, force: true });
    createWorkspace({
      root,
      library,
      board: 'uno',
      cacheDir: path.join(path.dirname(root), 'cache'),
      nodeModules: path.resolve('node_modules'),
    });
  }
  if (!values.warm) fs.rmSync(memoDir(root), { recursive: true, force: true });
  process.env.NX_FASTLED_GRAPH_CACHE = 'false';
  const boards = values.boards!.split(',');
  const context = { workspaceRoot: root, nxJsonConfiguration: {} } as unknown as CreateNodesContextV2;
  const load = os.loadavg()[0];
  const c0 = cpu();
  const t0 = process.hrtime.bigint();
  const results = await buildGraph([`vendor/${libName}/library.properties`], { boards }, context);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = cpu();
  let projects = 0;
  for (const [, r] of results) projects += Object.keys(r.projects ?? {}).length;
  const self = c1.self - c0.self;
  const children = c1.children - c0.children;
  const doc = {
    boards: boards.length,
    boardList: boards,
    cold: !values.warm,
    cpu: { self: round(self), children: round(children), total: round(self + children) },
    wall: round(wall),
    projects,
    loadAvg: [round(load), round(os.loadavg()[0])],
  };
  const text = JSON.stringify(doc);
  if (values.out) fs.appendFileSync(values.out, text + '\n');
  process.stdout.write(text + '\n');
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((e) => {
  console.error(`graph-cpu: ${(e as Error).stack}`);
  process.exit(1);
});
