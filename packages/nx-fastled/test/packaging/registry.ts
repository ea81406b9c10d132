// A real local npm registry for the packaging test: verdaccio, installed once into a folder of its own
// (never into this repository's node_modules), our two packages published to it from `npm pack` tarballs,
// everything else proxied from the registry npm is configured with.
//
// verdaccio 6.8.0 is the last release that runs on Node 20 (6.10 wants Node 22); its `node-fetch` is
// overridden to 2.7.0 for the same reason. `.ci/run` installs it and sets NXF_VERDACCIO_DIR; without that
// variable the test installs it into `<tmpdir>/nxf-verdaccio-6.8.0` once and reuses it.
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const VERDACCIO_VERSION = '6.8.0';

/** The folder holding node_modules/verdaccio, installing it there if needed. */
export function ensureVerdaccio(env: NodeJS.ProcessEnv): string {
  const dir = process.env.NXF_VERDACCIO_DIR ?? path.join(os.tmpdir(), `nxf-verdaccio-${VERDACCIO_VERSION}`);
  const bin = path.join(dir, 'node_modules/verdaccio/bin/verdaccio');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      { name: 'nxf-verdaccio', private: true, dependencies: { verdaccio: VERDACCIO_VERSION }, overrides: { 'node-fetch': '2.7.0' } },
      null,
      2,
    ),
  );
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(bin))
    throw new Error(`installing verdaccio ${VERDACCIO_VERSION} into ${dir} failed:\n${r.stdout}\n${r.stderr}`);
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}-/ping`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

export interface Registry {
  url: string;
  /** An .npmrc pointing at the registry, with a token verdaccio accepts for publishing. */
  npmrc: string;
  stop(): void;
  log(): string;
}

/** Starts verdaccio on loopback with a fresh storage under `dir`; our packages are local-only (no uplink). */
export async function startRegistry(bin: string, dir: string, env: NodeJS.ProcessEnv): Promise<Registry> {
  const upstream =
    spawnSync('npm', ['config', 'get', 'registry'], { env, encoding: 'utf8' }).stdout.trim() || 'https://registry.npmjs.org/';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
      '    max_users: -1',
      'uplinks:',
      '  upstream:',
      `    url: ${JSON.stringify(upstream)}`,
      '    timeout: 120s',
      '    maxage: 60m',
      'packages:',
      "  'nx-fastled':",
      '    access: $all',
      '    publish: $all',
      "  'nx-fastled-cache':",
      '    access: $all',
      '    publish: $all',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      'max_body_size: 200mb',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const logFile = path.join(dir, 'verdaccio.log');
  const out = fs.openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    env,
    stdio: ['ignore', out, out],
  });
  // Generous: verdaccio takes long to start on a loaded 2-core machine.
  const deadline = Date.now() + 240_000;
  while (!(await ping(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`verdaccio did not start on ${url} (exit code ${child.exitCode}):\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const npmrc = path.join(dir, 'npmrc');
  // verdaccio lets anyone publish our two packages ($all); npm still wants some token for the host.
  fs.writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=nxf-e2e\nfund=false\naudit=false\nupdate-notifier=false\n`);
  return {
    url,
    npmrc,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
    log: () => fs.readFileSync(logFile, 'utf8'),
  };
}
