// A one-project Nx workspace and a real Nx 24 client run against a cache URL, for the end-to-end specs.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const NX_BIN = path.join(REPO_ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');

/** Workspace at `root` whose `app:build` copies `input` to app/out/result.txt and prints `built-by-command`. */
export function makeWorkspace(root: string, input = 'remote cache e2e\n'): void {
  fs.mkdirSync(path.join(root, 'app'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'e2e-ws', version: '0.0.0', private: true }));
  fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }));
  fs.writeFileSync(path.join(root, 'app', 'input.txt'), input);
  fs.writeFileSync(
    path.join(root, 'app', 'project.json'),
    JSON.stringify({
      name: 'app',
      targets: {
        build: {
          executor: 'nx:run-commands',
          cache: true,
          inputs: ['{projectRoot}/input.txt'],
          outputs: ['{projectRoot}/out'],
          options: { command: 'mkdir -p app/out && cp app/input.txt app/out/result.txt && echo built-by-command' },
        },
      },
    }),
  );
}

export interface NxResult {
  code: number;
  output: string;
}

/** `nx run app:build` with only the given remote cache settings and a private local cache folder. */
export function runNx(cwd: string, opts: { url: string; token: string; cacheDir: string; timeoutMs?: number }): Promise<NxResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('NX_')) delete env[k];
  Object.assign(env, {
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: opts.url,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: opts.token,
    NX_CACHE_DIRECTORY: opts.cacheDir,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    CI: 'true',
    FORCE_COLOR: '0',
  });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [NX_BIN, 'run', 'app:build', '--outputStyle=static'],
      { cwd, env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}
