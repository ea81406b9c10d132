// The graph never dies of one bad library (issue 13, last case), with the real host g++ and a real Nx 24 client:
// colliding library ids and example names, invalid libraries in same-named folders, a library id that makes an
// example's name equal a board project's, a library without examples (good and broken), `.pde`, upper-case
// `.INO`, `.ino` + `.pde` main files, an empty sketch, a source linked from outside the workspace, and files that
// look like code but are not compiled. Every one is built, or reported with its reason; everything else builds.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { frozenWorkspace, plain, STACK_FRAME, Task } from './helpers';
import type { TestWorkspace } from '../support/workspace';

jest.setTimeout(600_000);

const PARENT = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-graph-'));
const FIXTURE = path.join(PARENT, 'fixture');
const OUTSIDE = path.join(PARENT, 'outside');

const props = (name: string) => `name=${name}\nversion=1.0.0\nsentence=test\narchitectures=*\n`;
const printer = (text: string) => `void setup() {\n  Serial.println("${text}");\n}\n\nvoid loop() {}\n`;

/** `libraries/<folder>/...` files of every fixture library. */
const LIBRARIES: Record<string, Record<string, string>> = {
  FooBarA: { 'library.properties': props('Foo Bar'), 'examples/Hello/Hello.ino': printer('from Foo Bar') },
  FooBarB: { 'library.properties': props('foo-bar'), 'examples/Hello/Hello.ino': printer('from foo-bar') },
  Twins: {
    'library.properties': props('Twins'),
    'examples/My Example/My Example.ino': printer('spaced twin'),
    'examples/My_Example/My_Example.ino': printer('underscored twin'),
  },
  NoExamples: {
    'library.properties': props('NoExamples'),
    'src/NoExamples.h': 'int noExamples();\n',
    'src/ok.cpp': 'int noExamples() { return 7; }\n',
  },
  NoExamplesBroken: { 'library.properties': props('NoExamplesBroken'), 'src/bad.cpp': 'int broken() { return 1 +; }\n' },
  Sketches: {
    'library.properties': props('Sketches'),
    'examples/Legacy/Legacy.pde': printer('legacy pde'),
    'examples/Upper/Upper.INO': printer('upper'),
    'examples/Both/Both.ino': printer('both ino'),
    'examples/Both/Both.pde': printer('both pde'),
    'examples/Empty/Empty.ino': '',
    'examples/Data/notes.cpp': 'int notInASketch;\n',
    'src/Sketches.h': '#pragma once\n',
    'src/extra.cc': 'int extra() { return 2; }\n',
  },
  Linked: { 'library.properties': props('Linked'), 'src/Linked.h': 'int linked();\n', 'src/own.cpp': 'int own() { return 3; }\n' },
  // Library id `native` + example `core` = the name of the native board's core archive project.
  NativeClash: { 'library.properties': props('Native'), 'examples/core/core.ino': printer('clash') },
  'x/Bad': { 'library.properties': 'this line has no equals sign\n' },
  'y/Bad': { 'library.properties': 'neither has this one\n' },
};

let ws: TestWorkspace;
let build: { status: number | null; out: string };
let tasks: Task[];

function run(rel: string): string {
  return spawnSync(path.join(ws.root, rel), [], { encoding: 'utf8', timeout: 30_000 }).stdout ?? '';
}
function show(project: string): { metadata?: { nxFastled?: Record<string, unknown> }; targets: Record<string, { dependsOn?: unknown[] }> } {
  const r = ws.nx(['show', 'project', project, '--json']);
  if (r.status !== 0) throw new Error(`nx show project ${project}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

beforeAll(() => {
  for (const [lib, files] of Object.entries(LIBRARIES)) {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(FIXTURE, 'libraries', lib, rel)), { recursive: true });
      fs.writeFileSync(path.join(FIXTURE, 'libraries', lib, rel), text);
    }
  }
  fs.mkdirSync(OUTSIDE, { recursive: true });
  fs.writeFileSync(path.join(OUTSIDE, 'linked.cpp'), 'int linked() { return 4; }\n');
  ws = frozenWorkspace({ libraries: [], boards: ['native'], parent: path.join(PARENT, 'w') });
  fs.cpSync(path.join(FIXTURE, 'libraries'), path.join(ws.root, 'libraries'), { recursive: true });
  fs.symlinkSync(path.join(OUTSIDE, 'linked.cpp'), path.join(ws.root, 'libraries/Linked/src/linked.cpp'));
  const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static', '--parallel=2', '--nx-bail=false']);
  build = { status: r.status, out: plain(`${r.stdout}${r.stderr}`) };
  tasks = ws.lastRun().tasks as Task[];
});

const status = (project: string, target = 'build') => tasks.find((t) => t.project === project && t.target === target)?.status;

it('the graph is built: no "Failed to process project graph", no stack trace, every project listed', () => {
  const r = ws.nx(['show', 'projects', '--json']);
  expect(r.stderr).not.toContain('Failed to process project graph');
  expect(r.status).toBe(0);
  const projects: string[] = JSON.parse(r.stdout);
  expect(build.out).not.toContain('Failed to process project graph');
  expect(build.out).not.toMatch(STACK_FRAME);
  expect(new Set(projects).size).toBe(projects.length);
  // Both "Foo Bar" and "foo-bar" (id foo-bar) and both My Example / My_Example, with distinct names.
  expect(projects.filter((p) => /^foo-bar-[0-9a-f]{6}$/.test(p))).toHaveLength(2);
  expect(projects.filter((p) => /^twins\/My_Example-[0-9a-f]{6}$/.test(p))).toHaveLength(2);
  expect(projects.filter((p) => /^Bad-[0-9a-f]{6}$/.test(p))).toHaveLength(2);
});

it('colliding library ids: both libraries build their own example, into their own folders', () => {
  const elves = fs
    .readdirSync(path.join(ws.root, 'dist/native'))
    .filter((d) => d.startsWith('foo-bar-'))
    .map((d) => `dist/native/${d}/examples/Hello/Hello.elf`);
  expect(elves).toHaveLength(2);
  expect(elves.map((e) => run(e).trim()).sort()).toEqual(['from Foo Bar', 'from foo-bar']);
  const meta = show(elves[0].split('/')[2]).metadata?.nxFastled;
  expect(String(meta?.renamed)).toMatch(/library id "foo-bar" is also the id of libraries\/FooBar[AB]/);
});

it('colliding example names: both examples build and run', () => {
  const outputs = fs.readdirSync(path.join(ws.root, 'dist/native/twins/examples')).sort();
  expect(outputs).toHaveLength(2);
  const printed = outputs.map((d) => {
    const elf = fs.readdirSync(path.join(ws.root, 'dist/native/twins/examples', d)).find((f) => f.endsWith('.elf'))!;
    return run(`dist/native/twins/examples/${d}/${elf}`).trim();
  });
  expect(printed.sort()).toEqual(['spaced twin', 'underscored twin']);
});

it('a library without examples is compiled by its own build; a syntax error in one fails it', () => {
  expect(status('noexamples')).toBe('success');
  expect(fs.existsSync(path.join(ws.root, 'dist/native/noexamples/libnoexamples.a'))).toBe(true);
  expect(status('noexamplesbroken')).not.toBe('success');
  expect(tasks.find((t) => t.project === 'native/noexamplesbroken/src/bad.cpp')?.status).toBe('failure');
  expect(build.out).toMatch(/libraries\/NoExamplesBroken\/src\/bad\.cpp:1:\d+: error/);
});

it('.pde sketches build; upper-case .INO and .ino+.pde main files are failing projects with the reason', () => {
  expect(run('dist/native/sketches/examples/Legacy/Legacy.elf').trim()).toBe('legacy pde');
  expect(build.out).toContain('libraries/Sketches/examples/Upper/Upper.INO: sketch file extension in upper case (Upper.INO)');
  expect(build.out).toContain('rename to Upper.ino');
  expect(build.out).toContain('libraries/Sketches/examples/Both: multiple main sketch files found (Both.ino, Both.pde)');
});

it('an empty sketch fails with a message naming it, not only the raw undefined reference', () => {
  expect(build.out).toContain('nx-fastled: libraries/Sketches/examples/Empty/Empty.ino: the sketch defines neither setup() nor loop()');
  expect(status('native/sketches/examples/Empty', 'link')).toBe('failure');
});

it('a source linked from outside the workspace is a failing project that says so, not compiled; the rest of the library builds', () => {
  expect(build.out).toContain(
    'libraries/Linked/src/linked.cpp is a symbolic link to a place outside the workspace: Nx hashes the link, not the file it points to',
  );
  expect(status('linked/src/linked.cpp')).toBe('failure');
  expect(fs.existsSync(path.join(ws.root, 'dist/native/linked/liblinked.a'))).toBe(true);
  expect(fs.existsSync(path.join(ws.root, 'dist/native/linked/obj/src/linked.cpp.o'))).toBe(false);
});

it('files that look like code but are not built are listed with the reason in the project metadata', () => {
  const skipped = show('sketches').metadata?.nxFastled?.skipped as { file: string; reason: string }[];
  expect(skipped).toEqual([
    { file: 'libraries/Sketches/examples/Data', reason: expect.stringContaining('not a sketch: no Data.ino') },
    { file: 'libraries/Sketches/src/extra.cc', reason: expect.stringContaining('(.cc is not one)') },
  ]);
});

it('a name nothing foresaw (library "Native", example core = the native core project) fails that one project, naming both folders', () => {
  expect(build.out).toMatch(/two projects would both be named "native\/core": \S+ and \S+; rename one/);
  // The real core archive still built, so every other example linked.
  expect(fs.existsSync(path.join(ws.root, 'dist/native/core/libcore.a'))).toBe(true);
  expect(tasks.filter((t) => t.status === 'success' && t.target === 'link').length).toBeGreaterThanOrEqual(5);
});

it('invalid libraries in same-named folders: both reported, with distinct names', () => {
  expect(build.out).toContain('libraries/x/Bad/library.properties:1: expected "key=value"');
  expect(build.out).toContain('libraries/y/Bad/library.properties:1: expected "key=value"');
});
