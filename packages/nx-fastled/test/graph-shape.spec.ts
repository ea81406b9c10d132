// The graph's shape without a compiler: createNodes on a temporary file tree with fake resolved boards
// (test/support/fake-board.ts). Fast (no Nx process, no toolchain), so it can say exactly which projects,
// commands, inputs and dependencies a library produces; the snapshot catches any unintended change.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CreateNodesContextV2, ProjectConfiguration } from '@nx/devkit';
import { buildGraph } from '../src/plugin/create-nodes';
import { compileInvocation, linkArgs, type CompileStep, type LinkStep } from '../src/plan';
import type { ResolvedBoard, UnresolvedBoard } from '../src/toolchain/identity';
import { fakeBoard, missingBoard } from './support/fake-board';
import { FIXTURES } from './support/workspace';

// No compiler runs, but a shared machine can make createNodes' first call (Nx's file hashing) slow.
jest.setTimeout(120_000);

const TOOL = { path: 'node_modules/nx-fastled/bin/nx-fastled-task.cjs', hash: '0123456789abcdef' };

function tempWorkspace(libraries: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-shape-'));
  for (const lib of libraries) fs.cpSync(path.join(FIXTURES, lib), path.join(root, 'libraries', lib), { recursive: true });
  fs.writeFileSync(path.join(root, 'nx.json'), '{}');
  fs.writeFileSync(path.join(root, '.gitignore'), 'dist\n.nx\n');
  return root;
}

async function graph(
  root: string,
  boards: Map<string, ResolvedBoard | UnresolvedBoard>,
  names = [...boards.keys()],
): Promise<Record<string, ProjectConfiguration>> {
  const files = ['libraries/Flat15/library.properties', 'libraries/Legacy10/library.properties'].filter((f) =>
    fs.existsSync(path.join(root, f)),
  );
  const context = { workspaceRoot: root, nxJsonConfiguration: {} } as unknown as CreateNodesContextV2;
  const results = await buildGraph(files, { boards: names }, context, { boards, tool: TOOL });
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [, r] of results) Object.assign(projects, r.projects);
  return projects;
}

const byName = (projects: Record<string, ProjectConfiguration>) => new Map(Object.values(projects).map((p) => [p.name!, p]));

describe('graph shape (fake boards, no compiler)', () => {
  let root: string;
  let projects: Record<string, ProjectConfiguration>;
  beforeAll(async () => {
    root = tempWorkspace(['Legacy10', 'Flat15']);
    projects = await graph(root, new Map([['fake', fakeBoard('fake')]]));
  }, 120_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('projects, commands, inputs, outputs and dependencies (snapshot)', () => {
    const sorted = Object.fromEntries(Object.entries(projects).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(sorted).toMatchSnapshot();
  });

  it('one compile per TU, an archive per library and core, a link per admitted example', () => {
    const names = [...byName(projects).keys()].sort();
    expect(names.filter((n) => n.startsWith('fake/core/'))).toEqual([
      'fake/core/cores/fake/isr.S',
      'fake/core/cores/fake/main.cpp',
      'fake/core/cores/fake/wiring.c',
    ]);
    expect(names).toEqual(expect.arrayContaining(['fake/core', 'fake/legacy10', 'fake/flat15', 'fake/legacy10/utility/counter.c']));
    const links = Object.values(projects)
      .filter((p) => p.targets?.link)
      .map((p) => p.name)
      .sort();
    // NativeOnly has a .native.test.only marker: not built on this board.
    expect(links).toEqual([
      'fake/flat15/examples/Hello',
      'fake/legacy10/examples/Basic',
      'fake/legacy10/examples/Group/One',
      'fake/legacy10/examples/Group/Two',
    ]);
    expect(
      (byName(projects).get('flat15/NativeOnly')!.metadata as { nxFastled: { boards: Record<string, string> } }).nxFastled.boards.fake,
    ).toMatch(/^skipped: .*\.native\.test\.only/);
  });

  it('every dependsOn names a project of the graph', () => {
    const names = new Set(byName(projects).keys());
    for (const p of Object.values(projects)) {
      for (const t of Object.values(p.targets ?? {})) {
        for (const d of (t.dependsOn ?? []) as { projects?: string[] }[])
          for (const n of d.projects ?? [])
            expect({ from: p.name, to: n, known: names.has(n) }).toEqual({ from: p.name, to: n, known: true });
      }
    }
  });

  it('each target carries its plan step, and the command is that step rendered', () => {
    const link = byName(projects).get('fake/legacy10/examples/Basic')!.targets!.link;
    const step = link.metadata!.nxFastled.step as LinkStep;
    expect(step.kind).toBe('link');
    expect(step.archives.map((a) => [a.file, a.whole])).toEqual([
      ['dist/fake/legacy10/liblegacy10.a', true],
      ['dist/fake/core/libcore.a', false],
    ]);
    expect(link.options.command).toContain(`-- ${linkArgs(step).join(' ')}`);
    const compile = byName(projects).get('fake/legacy10/utility/counter.c')!.targets!.compile;
    const cstep = compile.metadata!.nxFastled.step as CompileStep;
    expect(cstep.inputs).toBeUndefined(); // they are the target's inputs
    expect(compile.options.command).toContain(compileInvocation(cstep, cstep.env));
    // every flag says why it is there
    expect(cstep.flags.every((f) => f.why.length > 0)).toBe(true);
    expect(cstep.flags.find((f) => f.value.startsWith('-frandom-seed='))!.why).toMatch(/LTO/);
    expect(cstep.includeDirs.map((d) => d.dir)).toEqual([
      { root: 'core', rel: 'cores/fake' },
      { root: 'core', rel: 'variants/standard' },
      'libraries/Legacy10',
      'libraries/Legacy10/utility',
    ]);
  });

  it('keeps absolute paths out of every project', () => {
    const json = JSON.stringify(projects);
    expect(json).not.toContain(root);
    expect(json).not.toContain('/nonexistent/');
  });

  it("a second board adds its own projects and leaves the first board's projects identical", async () => {
    const two = await graph(
      root,
      new Map([
        ['fake', fakeBoard('fake')],
        ['fake2', fakeBoard('fake2', { target: 'ATFAKE2' })],
      ]),
    );
    for (const [k, v] of Object.entries(projects)) {
      if (v.name?.startsWith('fake/')) expect(two[k]).toEqual(v);
    }
    expect(Object.values(two).some((p) => p.name === 'fake2/flat15/examples/Hello')).toBe(true);
  });

  it('a board whose toolchain is missing is skipped with the reason; an unknown board fails its check', async () => {
    const g = await graph(
      root,
      new Map<string, ResolvedBoard | UnresolvedBoard>([
        ['fake', fakeBoard('fake')],
        ['gone', missingBoard('gone')],
      ]),
      ['fake', 'gone', 'nosuch'],
    );
    const hello = byName(g).get('flat15/Hello')!;
    const boards = (hello.metadata as { nxFastled: { boards: Record<string, string> } }).nxFastled.boards;
    expect(boards.gone).toMatch(/^skipped: toolchain not found \(the fake compiler\)/);
    expect(boards.fake).toBe('built');
    expect(boards.nosuch).toBe('unknown board');
    expect(byName(g).get('nosuch/toolchain')!.targets!.check.options.command).toContain('unknown board');
  });
});
