// The project graph's edges (plugin/create-dependencies.ts): example -> link -> archives -> core per board,
// so `nx graph` draws the build. Two parts: createDependencies over createNodes' output with a fake board
// (no compiler, exact edge lists), and one real `nx graph --file` on fixture libraries that use each other
// (native board: library resolution runs the host preprocessor, nothing is compiled), which also proves Nx
// accepts every edge (a static edge must name a file of its source project).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CreateDependenciesContext, CreateNodesContextV2, ProjectConfiguration } from '@nx/devkit';
import { buildGraph } from '../src/plugin/create-nodes';
import { createDependencies } from '../src/plugin/create-dependencies';
import { fakeBoard } from './support/fake-board';
import { FIXTURES, makeWorkspace, TestWorkspace } from './support/workspace';

jest.setTimeout(120_000);

const TOOL = { path: 'node_modules/nx-fastled/bin/nx-fastled-task.cjs', hash: '0123456789abcdef' };

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, r));
    else out.push(r);
  }
  return out;
}

type Dep = { source: string; target: string; type: string; sourceFile?: string };

describe('project graph edges (fake board, no compiler)', () => {
  let root: string;
  let deps: Dep[];
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-edges-'));
    for (const lib of ['Legacy10', 'Flat15']) fs.cpSync(path.join(FIXTURES, lib), path.join(root, 'libraries', lib), { recursive: true });
    fs.writeFileSync(path.join(root, 'nx.json'), '{}');
    const context = { workspaceRoot: root, nxJsonConfiguration: {} } as unknown as CreateNodesContextV2;
    const results = await buildGraph(
      ['libraries/Flat15/library.properties', 'libraries/Legacy10/library.properties'],
      { boards: ['fake'] },
      context,
      { boards: new Map([['fake', fakeBoard('fake')]]), tool: TOOL },
    );
    const projects: Record<string, ProjectConfiguration> = {};
    for (const [, r] of results) for (const p of Object.values(r.projects ?? {})) projects[p.name!] = p as ProjectConfiguration;
    // Nx's file map: each workspace file belongs to the project with the deepest root containing it.
    const roots = Object.values(projects)
      .map((p) => p.root)
      .sort((a, b) => b.length - a.length);
    const projectFileMap: Record<string, { file: string; hash: string }[]> = {};
    for (const file of listFiles(root)) {
      const owner = roots.find((r) => file.startsWith(`${r}/`));
      const name = Object.values(projects).find((p) => p.root === owner)?.name;
      if (name) (projectFileMap[name] ??= []).push({ file, hash: '0' });
    }
    const ctx = {
      projects,
      fileMap: { projectFileMap, nonProjectFiles: [] },
      filesToProcess: { projectFileMap, nonProjectFiles: [] },
      externalNodes: {},
      nxJsonConfiguration: {},
      workspaceRoot: root,
    } as unknown as CreateDependenciesContext;
    deps = (await createDependencies(undefined, ctx)) as Dep[];
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const targets = (source: string) =>
    deps
      .filter((d) => d.source === source)
      .map((d) => d.target)
      .sort();

  it('library -> examples -> link per board, with the file that makes the edge', () => {
    expect(targets('legacy10')).toEqual(['legacy10/Basic', 'legacy10/Group/One', 'legacy10/Group/Two']);
    expect(deps.find((d) => d.source === 'legacy10' && d.target === 'legacy10/Basic')).toEqual({
      source: 'legacy10',
      target: 'legacy10/Basic',
      type: 'static',
      sourceFile: 'libraries/Legacy10/library.properties',
    });
    expect(deps.filter((d) => d.source === 'legacy10/Basic')).toEqual([
      {
        source: 'legacy10/Basic',
        target: 'fake/legacy10/examples/Basic',
        type: 'static',
        sourceFile: 'libraries/Legacy10/examples/Basic/Basic.ino',
      },
    ]);
    // Built for native only: no board here, so no edge at all.
    expect(targets('flat15/NativeOnly')).toEqual([]);
  });

  it('link -> its sketch TU, its library archive and the core archive; archives -> their TUs; library archive -> core', () => {
    expect(targets('fake/legacy10/examples/Basic')).toEqual(['fake/core', 'fake/legacy10', 'fake/legacy10/examples/Basic/Basic.ino']);
    expect(targets('fake/legacy10')).toEqual(['fake/core', 'fake/legacy10/Legacy10.cpp', 'fake/legacy10/utility/counter.c']);
    expect(targets('fake/core')).toEqual(['fake/core/cores/fake/isr.S', 'fake/core/cores/fake/main.cpp', 'fake/core/cores/fake/wiring.c']);
    // Per-board projects have virtual roots: their edges carry no file.
    expect(deps.filter((d) => d.source.startsWith('fake/')).every((d) => d.type === 'implicit' && d.sourceFile === undefined)).toBe(true);
  });

  it('TUs depend on nothing, and the graph has no cycle', () => {
    expect(deps.filter((d) => /\.(c|cpp|S|ino)$/.test(d.source))).toEqual([]);
    const next = new Map<string, string[]>();
    for (const d of deps) next.set(d.source, [...(next.get(d.source) ?? []), d.target]);
    const state = new Map<string, 'open' | 'done'>();
    const visit = (n: string): void => {
      if (state.get(n) === 'done') return;
      expect({ cycleAt: n, open: state.get(n) === 'open' }).toEqual({ cycleAt: n, open: false });
      state.set(n, 'open');
      for (const t of next.get(n) ?? []) visit(t);
      state.set(n, 'done');
    };
    for (const n of next.keys()) visit(n);
  });
});

describe('nx graph on libraries that use each other (native board, real Nx)', () => {
  let ws: TestWorkspace;
  let graph: {
    graph: {
      nodes: Record<string, { data: { tags?: string[] } }>;
      dependencies: Record<string, { source: string; target: string; type: string }[]>;
    };
  };
  beforeAll(() => {
    ws = makeWorkspace({ libraries: ['ChainA', 'ChainB', 'Legacy10'], boards: ['native'] });
    const r = ws.nx(['graph', '--file=graph.json']);
    if (r.status !== 0) throw new Error(`nx graph failed:\n${r.stdout}\n${r.stderr}`);
    graph = JSON.parse(ws.read('graph.json'));
  });
  afterAll(() => fs.rmSync(path.dirname(ws.root), { recursive: true, force: true }));

  const targets = (source: string) => (graph.graph.dependencies[source] ?? []).map((d) => d.target).sort();

  it('example -> link -> own archive, the archive of the library it uses, the core; ChainA archive -> ChainB archive', () => {
    expect(targets('chaina/Chain')).toEqual(['native/chaina/examples/Chain']);
    expect(targets('native/chaina/examples/Chain')).toEqual(
      ['native/chaina', 'native/chainb', 'native/chaina/examples/Chain/Chain.ino', 'native/core'].sort(),
    );
    expect(targets('native/chaina')).toEqual(['native/chaina/src/ChainA.cpp', 'native/chainb', 'native/core'].sort());
    expect(targets('native/chainb')).toEqual(['native/chainb/ChainB.cpp', 'native/core'].sort());
    // ChainB has no examples: its library project builds its archive.
    expect(targets('chainb')).toEqual(['native/chainb']);
  });

  it('the example project says per board what its build does, its TUs and why each library is used', () => {
    const meta = (graph.graph.nodes['chaina/Chain'] as unknown as { data: { metadata: { nxFastled: { build: Record<string, unknown> } } } })
      .data.metadata.nxFastled;
    expect(meta.build.native).toEqual({
      command: expect.stringMatching(
        /^compiles 1 sketch TU \(Chain\.ino as C\+\+\), links them with libchaina\.a \(every object\), libchainb\.a \(every object\), libcore\.a using g\+\+ into Chain(\.elf)?/,
      ),
      tus: ['native/chaina/examples/Chain/Chain.ino'],
      libraries: {
        ChainA: "the example's own library",
        ChainB: 'provides <ChainB.h> to the sketch (workspace; the only library offering it)',
      },
    });
  });

  it('--exclude=tag:nx-fastled:tu and --focus filter the JSON graph (what docs/GRAPH.md tells users to run)', () => {
    // Nx 24.0.6 applies --focus/--exclude to `--file=*.json` only: the HTML file embeds the whole graph and the
    // served page fetches it whole again (docs/GRAPH.md). This pins the recipe that works.
    const r = ws.nx(['graph', '--focus=chaina/Chain', '--exclude=tag:nx-fastled:tu', '--file=focused.json']);
    if (r.status !== 0) throw new Error(`nx graph --focus --exclude failed:\n${r.stdout}\n${r.stderr}`);
    const focused: typeof graph = JSON.parse(ws.read('focused.json'));
    const nodes = Object.keys(focused.graph.nodes).sort();
    expect(nodes).toEqual(
      ['chaina', 'chaina/Chain', 'native/chaina', 'native/chaina/examples/Chain', 'native/chainb', 'native/core', 'test/chaina/Chain']
        .filter((n) => n in graph.graph.nodes)
        .sort(),
    );
    expect(nodes.filter((n) => graph.graph.nodes[n].data.tags?.includes('nx-fastled:tu'))).toEqual([]);
    // Nx keeps each kept project's edge list whole: edges to excluded projects stay, pointing at no node.
    const kept = (source: string) =>
      (focused.graph.dependencies[source] ?? [])
        .map((d) => d.target)
        .filter((t) => t in focused.graph.nodes)
        .sort();
    expect(kept('native/chaina/examples/Chain')).toEqual(['native/chaina', 'native/chainb', 'native/core']);
    const all = ws.nx(['graph', '--exclude=tag:nx-fastled:tu', '--file=no-tu.json']);
    if (all.status !== 0) throw new Error(`nx graph --exclude failed:\n${all.stdout}\n${all.stderr}`);
    const noTu: typeof graph = JSON.parse(ws.read('no-tu.json'));
    const tus = Object.keys(graph.graph.nodes).filter((n) => graph.graph.nodes[n].data.tags?.includes('nx-fastled:tu'));
    expect(tus.length).toBeGreaterThan(0);
    expect(Object.keys(noTu.graph.nodes).sort()).toEqual(
      Object.keys(graph.graph.nodes)
        .filter((n) => !tus.includes(n))
        .sort(),
    );
  });

  it('every project is reached from a library or a test project (no unconnected dots)', () => {
    const reached = new Set<string>();
    const tests = Object.entries(graph.graph.nodes)
      .filter(([, n]) => (n as { data: { tags?: string[] } }).data.tags?.includes('nx-fastled:test'))
      .map(([name]) => name);
    // A test project runs an example's link output; it is a root of its own, as the libraries are.
    expect(tests.map((t) => targets(t))).toEqual(tests.map((t) => [t.replace(/^test\//, '')]));
    const queue = ['chaina', 'chainb', 'legacy10', ...tests];
    while (queue.length) {
      const n = queue.shift()!;
      if (reached.has(n)) continue;
      reached.add(n);
      queue.push(...targets(n));
    }
    expect(Object.keys(graph.graph.nodes).filter((n) => !reached.has(n))).toEqual([]);
  });
});
