// The include-closure work the plugin does during Nx's project graph construction, on vendor/FastLED, timed:
// for each board, the closure of every library TU, then of every admitted sketch (its .ino files, with the
// sketch folder on the path and Arduino.h forced) and its extra sources — the same calls, in the same order,
// with the same arguments as plugin/projects.ts makes through plugin/closure.ts. Each phase runs in a fresh
// process, as every nx command does: cold (no scan cache, no predefined-macro memo), then warm twice.
//
//   node -r @swc-node/register tools/scan/bench-closures.ts [uno,native]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { getAllFileDataInContext } from 'nx/src/utils/workspace-context';
import { StatMemo } from '../../packages/nx-fastled/src/hashing/stat-memo';
import { ProbeMemo } from '../../packages/nx-fastled/src/toolchain/identity';
import { discoverLibrary } from '../../packages/nx-fastled/src/library/discover';
import { makeClosure } from '../../packages/nx-fastled/src/plugin/closure';
import { IncludeScanner } from '../../packages/nx-fastled/src/scan/include-scanner';
import { exampleVerdict } from '../../packages/nx-fastled/src/plugin/filters-adapter';
import { normalizeOptions } from '../../packages/nx-fastled/src/plugin/options';
import { boardContext } from '../../packages/nx-fastled/src/plugin/projects';
import type { PluginState } from '../../packages/nx-fastled/src/plugin/state';
import { resolveRequestedBoards } from '../../packages/nx-fastled/src/plugin/state';
import type { Arg } from '../../packages/nx-fastled/src/toolchain/types';

const WS = path.resolve(__dirname, '../..');
const LIBRARY = 'vendor/FastLED/library.properties';

interface PhaseResult {
  board: string;
  calls: number;
  ms: number;
  /** user+system CPU time: the machine may be shared */
  cpuMs: number;
  files: number;
  globs: number;
}

async function phase(boards: string[], cacheDir: string): Promise<PhaseResult[]> {
  if (process.env.NXF_SCAN_DEBUG) {
    const save = IncludeScanner.prototype.save;
    IncludeScanner.prototype.save = function (this: IncludeScanner) {
      const st = this.stats();
      process.stderr.write(`parsed ${st.parsed}, cache hits ${st.cacheHits}, unreadable ${st.unreadable.length}\n`);
      save.call(this);
    };
  }
  const fileHashes = new Map<string, string>();
  for (const { file, hash } of await getAllFileDataInContext(WS)) fileHashes.set(file, hash);
  const allFiles = [...fileHashes.keys()].sort();
  const libRoot = path.posix.dirname(LIBRARY);
  const lib = discoverLibrary(
    LIBRARY,
    fs.readFileSync(path.join(WS, LIBRARY), 'utf8'),
    allFiles.filter((f) => f.startsWith(`${libRoot}/`)),
  );
  // board resolution is not the scanner's cost: it has its own memo (kept warm here)
  const resolved = resolveRequestedBoards(WS, normalizeOptions({ boards }, {}), new StatMemo(), new ProbeMemo());
  const state = { readText: (f: string) => fs.readFileSync(path.join(WS, f), 'latin1') } as unknown as PluginState;
  const out: PhaseResult[] = [];
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const provider = makeClosure(WS, fileHashes, path.join(cacheDir, 'scan-cache.json'));
  for (const board of boards) {
    const entry = resolved.get(board);
    if (!entry?.ok) throw new Error(`${board}: toolchain not found`);
    const b = boardContext(entry);
    const r = entry.recipe;
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let calls = 0;
    let files = 0;
    let globs = 0;
    const closure = (f: string[], dirs: Arg[], forced?: string[]) => {
      const c = provider.closure(f, dirs, b, forced);
      calls++;
      files += c.files.length;
      globs += c.globs.length;
    };
    const libDirs: Arg[] = [...r.coreIncludeDirs, ...lib.includeDirs];
    for (const src of lib.sources) closure([src], libDirs);
    for (const ex of lib.examples) {
      if (!exampleVerdict(state, ex, entry.board).admitted) continue;
      const dirs: Arg[] = [...libDirs, ex.dir];
      closure(ex.inoFiles, dirs, ['Arduino.h']);
      for (const src of ex.extraSources) closure([src], dirs);
    }
    out.push({ board, calls, ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: cpuMs(cpu), files, globs });
  }
  provider.save();
  out.push({
    board: 'total (incl. scanner setup and save)',
    calls: out.reduce((a, r) => a + r.calls, 0),
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    cpuMs: cpuMs(cpu0),
    files: 0,
    globs: 0,
  });
  return out;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--phase');
  if (child >= 0) {
    const boards = process.argv[child + 1].split(',');
    const results = await phase(boards, process.argv[child + 2]);
    process.stdout.write(JSON.stringify(results));
    return;
  }
  const boards = (process.argv[2] ?? 'uno,native').split(',');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-scan-bench-'));
  try {
    for (const name of ['cold', 'warm', 'warm']) {
      const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--phase', boards.join(','), dir], {
        encoding: 'utf8',
        cwd: WS,
      });
      if (r.status !== 0) throw new Error(r.stderr);
      for (const x of JSON.parse(r.stdout) as PhaseResult[]) {
        console.log(
          `${name.padEnd(5)} ${x.board.padEnd(8)} ${String(x.calls).padStart(4)} closures ${x.ms.toFixed(0).padStart(6)} ms (cpu ${x.cpuMs.toFixed(0).padStart(5)} ms)` +
            (x.files ? `  (${x.files} closure files, ${x.globs} globs)` : ''),
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
