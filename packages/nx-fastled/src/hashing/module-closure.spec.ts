// Sketch and link tasks are keyed on the task CLI's code (plugin/state.ts toolFiles, through moduleClosure):
// everything the CLI really loads must be in that list, from the sources and from tsc's CommonJS output.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { PLUGIN_ROOT, toolFiles } from '../plugin/state';
import { moduleClosure, relativeSpecifiers } from './module-closure';

const BIN = path.join(PLUGIN_ROOT, 'bin/nx-fastled-task.cjs');
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-module-closure-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Package files a real run of the task CLI loaded (node's module cache at exit). */
function loadedBy(args: string[]): string[] {
  const out = path.join(tmp, `loaded-${Math.random().toString(36).slice(2)}.json`);
  const preload = path.join(tmp, 'record-loaded.js');
  fs.writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`,
  );
  const r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], { cwd: tmp, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]).filter(
    (f) => f.startsWith(`${PLUGIN_ROOT}${path.sep}`) && !f.includes(`${path.sep}node_modules${path.sep}`),
  );
}

describe('the task CLI digest', () => {
  it('covers every module the sketch, link and verify commands load', () => {
    fs.writeFileSync(path.join(tmp, 'Blink.ino'), 'void setup() {}\nvoid loop() {}\n');
    const loaded = new Set([
      ...loadedBy(['sketch', '--out', 'Blink.ino.cpp', 'Blink.ino']),
      ...loadedBy(['link', '--help']),
      ...loadedBy(['verify', '--help']),
    ]);
    expect(fs.readFileSync(path.join(tmp, 'Blink.ino.cpp'), 'utf8')).toContain('void setup()');
    expect(loaded.size).toBeGreaterThan(5);
    const keyed = new Set(toolFiles());
    expect([...loaded].filter((f) => !keyed.has(f))).toEqual([]);
    // and not the plugin: editing it must not re-key every sketch and link
    expect([...keyed].filter((f) => /[/\\](plugin|scan|library)[/\\]/.test(f))).toEqual([]);
    // nor the simulator and the test command (loaded on demand by task-cli.ts): a simulator edit re-keyed
    // every sketch and link once, so a "warm" test run rebuilt the whole library first
    const inPlugin = [...keyed].map((f) => path.relative(PLUGIN_ROOT, f).split(path.sep).join('/'));
    expect(inPlugin.filter((f) => /(^|\/)sim\/|test-command/.test(f))).toEqual([]);
  });

  it('follows the same modules through tsc CommonJS output as through the sources', () => {
    const src = path.join(PLUGIN_ROOT, 'src');
    const fromTs = moduleClosure(path.join(src, 'cli/main.ts')).map((f) => path.relative(src, f).replace(/\.ts$/, ''));
    for (const file of fromTs) {
      const js = ts.transpileModule(fs.readFileSync(path.join(src, `${file}.ts`), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText;
      fs.mkdirSync(path.dirname(path.join(tmp, 'dist', file)), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'dist', `${file}.js`), js);
    }
    const fromJs = moduleClosure(path.join(tmp, 'dist/cli/main.js')).map((f) =>
      path.relative(path.join(tmp, 'dist'), f).replace(/\.js$/, ''),
    );
    // type-only imports vanish from the output; everything else is followed the same way
    expect(fromJs.every((f) => fromTs.includes(f))).toBe(true);
    expect(fromJs).toEqual(expect.arrayContaining(['cli/link-command', 'cli/sketch-command', 'sketch/index', 'util/atomic']));
  });

  it('reads import, export-from, require and dynamic import specifiers', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export * from './c';",
      "import './side-effect';",
      "const d = require('./d');",
      "const e = await import('./e');",
      "import * as fs from 'node:fs';",
    ].join('\n');
    expect(relativeSpecifiers(text)).toEqual(['./a', '../b', './c', './side-effect', './d', './e']);
  });
});
