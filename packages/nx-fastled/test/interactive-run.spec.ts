// Nothing interactive re-keys tasks. Nx hashes nx.json into every task, and the first interactive Nx run
// (a terminal, not CI) asks whether to share usage analytics and writes the answer into nx.json. An nx.json
// shipped with `"analytics"` set (this repository's, and what `nx add nx-fastled` writes) is never asked
// about: a first run in a terminal and a CI run produce the same task hashes. (Without the field, the
// prompt's answer is appended to nx.json, and any nx.json change re-keys every task.)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeWorkspace, nxEnv, REPO_ROOT, TestWorkspace } from './support/workspace';

const NX_BIN = path.join(REPO_ROOT, 'node_modules/.bin/nx');

/** `nx <args>` under a pseudo-terminal (util-linux `script`), not in CI mode, with `input` typed into it. */
function interactiveNx(ws: TestWorkspace, args: string[], cacheDir: string, input: string) {
  const env = nxEnv(cacheDir, { CI: 'false' });
  for (const k of ['GITHUB_ACTIONS', 'BUILD_ID', 'BUILD_NUMBER', 'GITLAB_CI', 'JENKINS_URL', 'TF_BUILD']) delete env[k];
  const command = [NX_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: ws.root,
    env,
    input,
    encoding: 'utf8',
    timeout: 20 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function hashes(root: string): Record<string, string> {
  const run = JSON.parse(fs.readFileSync(path.join(root, 'dist/report/run.json'), 'utf8')) as { tasks: { id: string; hash: string }[] };
  return Object.fromEntries(run.tasks.map((t) => [t.id, t.hash]));
}

function copyOf(ws: TestWorkspace, name: string): TestWorkspace {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), `nxf-${name}-`));
  const root = path.join(parent, 'ws');
  fs.cpSync(ws.root, root, { recursive: true, verbatimSymlinks: true, filter: (src) => !/\/(dist|\.nx)$/.test(src) });
  return {
    ...ws,
    root,
    nx: (args, env) => spawnSync(NX_BIN, args, { cwd: root, encoding: 'utf8', env: nxEnv(path.join(parent, 'nx-cache'), env) }),
  } as TestWorkspace;
}

describe('a first interactive run and a CI run key tasks alike', () => {
  const args = ['run-many', '-t', 'build', '--outputStyle=static'];
  let base: TestWorkspace;
  beforeAll(() => {
    base = makeWorkspace({ libraries: ['Flat15'], boards: ['native'] });
    const nxJson = JSON.parse(base.read('nx.json'));
    base.write('nx.json', `${JSON.stringify({ ...nxJson, analytics: false }, null, 2)}\n`);
  });

  it('with "analytics" in nx.json: no prompt, nx.json untouched, the same hashes as CI', () => {
    const nxJsonBefore = base.read('nx.json');
    const terminal = interactiveNx(base, args, path.join(path.dirname(base.root), 'nx-cache'), '');
    expect(terminal.status).toBe(0);
    expect(terminal.stdout).not.toContain('Share usage data');
    expect(base.read('nx.json')).toBe(nxJsonBefore);
    const fromTerminal = hashes(base.root);
    expect(Object.keys(fromTerminal).length).toBeGreaterThan(3);

    const ci = copyOf(base, 'ci');
    const r = ci.nx(args);
    expect(r.status).toBe(0);
    expect(hashes(ci.root)).toEqual(fromTerminal);
  });
});
