// Soak benchmark of the remote cache path (issue 13): N concurrent Nx builds of one library, each through
// its own `nx-fastled-cache proxy` (the per-runner topology of docs/CACHE_SERVER.md), sharing one upstream
// server, while a fault injector between the proxies and the upstream cycles through: pass, upstream stopped,
// upstream restarted, slow answers, writes refused (500/413), accepted-and-silent. Every build must exit 0
// and produce outputs byte-identical to an uninterrupted build without any cache. A second round of fresh
// builds against the healed upstream then shows what the uploads left behind (remote hits).
//
// Loopback only; bounded (--max-minutes, default 15: everything is stopped and the run fails after it).
//
//   node -r @swc-node/register tools/bench/soak.ts --library libraries/LedStrip --board uno --builds 3 \
//        --json tools/bench/results/soak-ledstrip-uno.json [--phase-seconds 4] [--keep]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startProxy, type RunningProxy } from '../../packages/cache-server/src/proxy/proxy';
import { startCacheServer, type RunningCacheServer } from '../../packages/cache-server/src/server';
import { copyWorkspace, createWorkspace, NX_BIN, nxEnv, snapshotNodeModules, type BenchWorkspace } from './workspace';

type Phase = 'pass' | 'stopped' | 'restarted' | 'slow' | 'refuse-writes' | 'silent';
const CYCLE: Phase[] = ['pass', 'stopped', 'restarted', 'slow', 'refuse-writes', 'silent'];
const TOKEN = 'soak-write-token-0123456789';
const LOCAL = 'soak-local-token-0123456789';

function log(msg: string): void {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

interface BuildResult {
  name: string;
  exitCode: number;
  wallSeconds: number;
  tasks: number;
  statuses: Record<string, number>;
  identical: boolean;
  differing: string[];
  proxy: Record<string, unknown>;
}

/** sha256 of every file under dist/ except the run report (timings), by workspace-relative path. */
function outputDigests(ws: BenchWorkspace): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ws.root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (r === 'dist/report') continue;
      if (e.isDirectory()) walk(r);
      else if (e.isFile())
        out.set(
          r,
          createHash('sha256')
            .update(fs.readFileSync(path.join(ws.root, r)))
            .digest('hex'),
        );
    }
  };
  if (fs.existsSync(path.join(ws.root, 'dist'))) walk('dist');
  return out;
}

function compare(ref: Map<string, string>, got: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [f, h] of ref) if (got.get(f) !== h) diff.push(got.has(f) ? `${f} differs` : `${f} missing`);
  for (const f of got.keys()) if (!ref.has(f)) diff.push(`${f} extra`);
  return diff.sort();
}

function runNxAsync(
  ws: BenchWorkspace,
  label: string,
  logDir: string,
  extraEnv: Record<string, string> = {},
  nice = 0,
): Promise<{ exitCode: number; wallSeconds: number; statuses: Record<string, number>; tasks: number }> {
  const report = path.join(ws.root, 'dist/report/run.json');
  fs.rmSync(report, { force: true });
  const fd = fs.openSync(path.join(logDir, `${label}.log`), 'w');
  const t0 = process.hrtime.bigint();
  const args = ['run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'];
  const child = nice
    ? spawn('nice', ['-n', String(nice), NX_BIN, ...args], { cwd: ws.root, env: nxEnv(ws, extraEnv), stdio: ['ignore', fd, fd] })
    : spawn(NX_BIN, args, { cwd: ws.root, env: nxEnv(ws, extraEnv), stdio: ['ignore', fd, fd] });
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      fs.closeSync(fd);
      const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const statuses: Record<string, number> = {};
      let tasks = 0;
      if (fs.existsSync(report)) {
        for (const t of (JSON.parse(fs.readFileSync(report, 'utf8')) as { tasks: Array<{ status: string }> }).tasks) {
          statuses[t.status] = (statuses[t.status] ?? 0) + 1;
          tasks++;
        }
      }
      resolve({ exitCode: code ?? -1, wallSeconds: Math.round(wallSeconds * 100) / 100, statuses, tasks });
    });
  });
}

/**
 * The fault injector: an HTTP forwarder in front of the upstream whose behaviour the phase decides.
 * `stopped` also really stops the upstream server; `restarted` starts it again on the same store and port.
 */
class FaultInjector {
  phase: Phase = 'pass';
  readonly counts: Record<string, number> = {};
  private server!: http.Server;
  private readonly sockets = new Set<Socket>();
  url = '';
  constructor(private readonly upstreamPort: () => number) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }

  private count(what: string): void {
    this.counts[what] = (this.counts[what] ?? 0) + 1;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const phase = this.phase;
    this.count(`${phase}:${req.method}`);
    if (phase === 'silent') return void req.resume(); // accept, read, never answer
    if (phase === 'refuse-writes' && req.method === 'PUT') {
      req.resume();
      const status = Math.random() < 0.5 ? 500 : 413;
      req.on('end', () => res.writeHead(status, { 'content-type': 'text/plain' }).end('refused by the soak\n'));
      return;
    }
    const delay = phase === 'slow' ? 1_000 + Math.random() * 3_000 : 0;
    const fwd = http.request(
      { host: '127.0.0.1', port: this.upstreamPort(), method: req.method, path: req.url, headers: req.headers },
      (up) => {
        setTimeout(() => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }, delay);
      },
    );
    fwd.on('error', () => res.destroy()); // upstream down: the client sees a reset, as from a dead server
    req.pipe(fwd);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      library: { type: 'string' },
      board: { type: 'string', default: 'uno' },
      builds: { type: 'string', default: '3' },
      json: { type: 'string' },
      md: { type: 'string' },
      'phase-seconds': { type: 'string', default: '4' },
      'max-minutes': { type: 'string', default: '15' },
      nice: { type: 'string', default: '0' },
      keep: { type: 'boolean', default: false },
    },
  });
  if (!values.library || !values.json) {
    process.stderr.write(
      'usage: soak.ts --library <path> --board uno --builds N --json <file> [--md <file>] [--phase-seconds 4] [--max-minutes 15] [--nice 10] [--keep]\n',
    );
    return 2;
  }
  const library = path.resolve(values.library);
  const builds = Number(values.builds);
  const phaseMs = Number(values['phase-seconds']) * 1000;
  const nice = Number(values.nice);
  const deadline = Date.now() + Number(values['max-minutes']) * 60_000;
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-soak-'));
  const logDir = path.join(tmpRoot, 'logs');
  fs.mkdirSync(logDir);
  log(`workspaces under ${tmpRoot}`);
  const nodeModules = snapshotNodeModules(path.join(tmpRoot, 'nm', 'node_modules'));
  const ws = (name: string): BenchWorkspace =>
    createWorkspace({
      root: path.join(tmpRoot, name, 'ws'),
      library,
      board: values.board!,
      cacheDir: path.join(tmpRoot, name, 'nx-cache'),
      nodeModules,
    });

  const watchdog = setTimeout(() => {
    log(`over --max-minutes: stopping`);
    process.exit(1);
  }, deadline - Date.now());
  watchdog.unref();

  // 1. The reference: one uninterrupted build without any remote cache.
  const refWs = ws('reference');
  const ref = await runNxAsync(refWs, 'reference', logDir, {}, nice);
  if (ref.exitCode !== 0) throw new Error(`the reference build failed (see ${logDir}/reference.log)`);
  const refDigests = outputDigests(refWs);
  log(`reference: ${ref.wallSeconds} s, ${ref.tasks} tasks, ${refDigests.size} output files`);

  // 2. The shared upstream and the fault injector in front of it.
  const storeDir = path.join(tmpRoot, 'upstream-store');
  let upstream: RunningCacheServer | undefined = await startCacheServer({ storeDir, port: 0, writeTokens: [TOKEN] });
  const upstreamPort = upstream.port;
  const injector = new FaultInjector(() => upstreamPort);
  await injector.start();
  const timeline: Array<{ atSeconds: number; phase: Phase }> = [];
  const t0 = Date.now();
  let cycling = true;
  const cycle = (async () => {
    for (let i = 0; cycling; i++) {
      const phase = CYCLE[i % CYCLE.length];
      if (phase === 'stopped' && upstream) {
        await upstream.close(200);
        upstream = undefined;
      }
      if (phase === 'restarted' && !upstream) upstream = await startCacheServer({ storeDir, port: upstreamPort, writeTokens: [TOKEN] });
      injector.phase = phase === 'restarted' ? 'pass' : phase;
      timeline.push({ atSeconds: Math.round((Date.now() - t0) / 100) / 10, phase });
      const until = Date.now() + phaseMs;
      while (cycling && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    }
  })();

  async function round(label: string, n: number): Promise<{ results: BuildResult[]; proxies: RunningProxy[] }> {
    const proxies: RunningProxy[] = [];
    const jobs: Array<Promise<BuildResult>> = [];
    for (let i = 0; i < n; i++) {
      const name = `${label}-${i + 1}`;
      const w = copyWorkspace(refWs, path.join(tmpRoot, name, 'ws'), { cacheDir: path.join(tmpRoot, name, 'nx-cache') });
      const p = await startProxy({
        storeDir: path.join(tmpRoot, name, 'proxy-store'),
        port: 0,
        writeTokens: [LOCAL],
        upstream: { url: injector.url, token: TOKEN, timeoutMs: 2_000, cooldownMs: 2_000 },
        uploads: { attempts: 5, backoffMs: 1_000 },
        drainTimeoutMs: 20_000,
      });
      proxies.push(p);
      jobs.push(
        runNxAsync(
          w,
          name,
          logDir,
          { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: p.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: LOCAL },
          nice,
        ).then((r) => {
          const differing = compare(refDigests, outputDigests(w));
          log(
            `${name}: exit ${r.exitCode}, ${r.wallSeconds} s, ${JSON.stringify(r.statuses)}, ${differing.length ? `${differing.length} output differences` : 'outputs identical'}`,
          );
          return { name, ...r, identical: differing.length === 0, differing: differing.slice(0, 20), proxy: {} };
        }),
      );
    }
    const results = await Promise.all(jobs);
    return { results, proxies };
  }

  const closeProxies = async (proxies: RunningProxy[], results: BuildResult[]) => {
    await Promise.all(
      proxies.map(async (p, i) => {
        await p.close(500);
        results[i].proxy = { upstream: { ...p.upstream.stats }, uploads: { ...p.uploads.stats } };
      }),
    );
  };

  // 3. N builds at once through proxies while the upstream misbehaves.
  const chaos = await round('chaos', builds);
  cycling = false;
  await cycle;
  injector.phase = 'pass';
  if (!upstream) upstream = await startCacheServer({ storeDir, port: upstreamPort, writeTokens: [TOKEN] });
  await closeProxies(chaos.proxies, chaos.results); // drains the uploads still queued, upstream healthy again
  const upstreamEntries = upstream.store.size.entries;
  log(`chaos round done; upstream holds ${upstreamEntries} entries`);

  // 4. Fresh builds against the healed upstream: what did the uploads leave behind?
  const after = await round('after', Math.min(builds, 2));
  await closeProxies(after.proxies, after.results);
  await injector.stop();
  await upstream.close(500);

  const all = [...chaos.results, ...after.results];
  const ok = all.every((r) => r.exitCode === 0 && r.identical);
  const report = {
    benchmark: 'soak',
    date: new Date().toISOString(),
    library: path.relative(process.cwd(), library) || library,
    board: values.board,
    builds,
    phaseSeconds: phaseMs / 1000,
    machine: { cpus: os.cpus().length, loadAvgAtEnd: os.loadavg().map((x) => Math.round(x * 10) / 10), nice },
    reference: { wallSeconds: ref.wallSeconds, tasks: ref.tasks, outputFiles: refDigests.size },
    timeline,
    injected: injector.counts,
    chaos: chaos.results,
    upstreamEntriesAfterChaos: upstreamEntries,
    after: after.results,
    ok,
  };
  fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
  fs.writeFileSync(path.resolve(values.json), `${JSON.stringify(report, null, 1)}\n`);
  const md = path.resolve(values.md ?? values.json.replace(/\.json$/, '.md'));
  fs.writeFileSync(md, renderMarkdown(report));
  log(`${ok ? 'OK' : 'FAILED'}: ${path.relative(process.cwd(), md)}`);
  if (!values.keep) fs.rmSync(tmpRoot, { recursive: true, force: true });
  else log(`kept ${tmpRoot}`);
  return ok ? 0 : 1;
}

function renderMarkdown(r: {
  library: string;
  board?: string;
  date: string;
  builds: number;
  phaseSeconds: number;
  machine: { cpus: number; loadAvgAtEnd: number[]; nice: number };
  reference: { wallSeconds: number; tasks: number; outputFiles: number };
  timeline: Array<{ atSeconds: number; phase: string }>;
  injected: Record<string, number>;
  chaos: BuildResult[];
  after: BuildResult[];
  upstreamEntriesAfterChaos: number;
  ok: boolean;
}): string {
  const row = (b: BuildResult) => {
    const up = (b.proxy.upstream ?? {}) as Record<string, number>;
    const ul = (b.proxy.uploads ?? {}) as Record<string, number>;
    const hits = (b.statuses['remote-cache'] ?? 0) + (b.statuses['local-cache'] ?? 0) + (b.statuses['local-cache-kept-existing'] ?? 0);
    return `| ${b.name} | ${b.exitCode} | ${b.wallSeconds} | ${(b.wallSeconds / r.reference.wallSeconds).toFixed(2)} | ${b.tasks} | ${hits} | ${b.identical ? 'yes' : `NO (${b.differing.length})`} | ${up.getHits ?? 0}/${up.getMisses ?? 0}/${up.getErrors ?? 0}/${up.skippedWhileDown ?? 0} | ${ul.stored ?? 0}/${ul.exists ?? 0}/${ul.retried ?? 0}/${ul.gaveUp ?? 0} |`;
  };
  return [
    `### Soak: ${r.library} on ${r.board}, ${r.builds} concurrent builds through proxies, upstream misbehaving`,
    '',
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cpus} CPUs (shared; load average at the end ${r.machine.loadAvgAtEnd.join(' / ')}${r.machine.nice ? `, builds under nice -n ${r.machine.nice}` : ''}). ` +
      `Reference (one uninterrupted build, no remote cache): **${r.reference.wallSeconds} s**, ${r.reference.tasks} tasks, ${r.reference.outputFiles} output files. ` +
      `The fault injector changed phase every ${r.phaseSeconds} s, ${r.timeline.length} phase changes in all, in the cycle ${CYCLE.join(' → ')} (the full timeline is in the JSON).`,
    '',
    `**Result: ${r.ok ? 'every build exited 0 with outputs byte-identical to the reference' : 'FAILED'}.**`,
    '',
    '| build | exit | wall s | ÷ reference | tasks | cache hits | outputs identical | upstream GET hit/miss/error/skipped | uploads stored/exists/retried/gave up |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
    ...r.chaos.map(row),
    ...r.after.map(row),
    '',
    `\`chaos-*\` ran while the upstream was stopped, restarted, slow (1–4 s per answer against a 2 s proxy timeout), refusing writes (500/413) and silent; the upstream held ${r.upstreamEntriesAfterChaos} entries afterwards. \`after-*\` are fresh workspaces with empty local caches and fresh proxies against the healed upstream. ` +
      `Requests seen by the fault injector: ${Object.entries(r.injected)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    '',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`soak: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
