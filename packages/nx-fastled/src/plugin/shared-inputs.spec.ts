import type { ProjectConfiguration } from '@nx/devkit';
import { checkSharedInputs, fileInputs, SHARED_INPUT_PREFIX, shareSketchInputs } from './shared-inputs';

const LOCK = { externalDependencies: [] as string[] };

function compile(name: string, role: 'sketch' | 'library', files: string[]): ProjectConfiguration {
  return {
    name,
    root: `dist/b/${name}`,
    tags: ['nx-fastled', 'nx-fastled:tu', `nx-fastled:${role}`],
    targets: { compile: { command: 'true', inputs: [...files.map((f) => `{workspaceRoot}/${f}`), LOCK] } },
  };
}

function workspace(): Record<string, ProjectConfiguration> {
  const shared = ['lib/Lib/src/Lib.h', 'lib/Lib/src/util/a.h', 'other/Dep/Dep.h'];
  return {
    'lib/Lib': { name: 'lib', root: 'lib/Lib', tags: ['nx-fastled', 'nx-fastled:library'] },
    'other/Dep': { name: 'dep', root: 'other/Dep', tags: ['nx-fastled', 'nx-fastled:library'] },
    'lib/Lib/examples/One': { name: 'lib/One', root: 'lib/Lib/examples/One', tags: ['nx-fastled', 'nx-fastled:example'] },
    'lib/Lib/examples/Two': { name: 'lib/Two', root: 'lib/Lib/examples/Two', tags: ['nx-fastled', 'nx-fastled:example'] },
    'lib/Lib/examples/Bad': {
      name: 'lib/Bad',
      root: 'lib/Lib/examples/Bad',
      tags: ['nx-fastled', 'nx-fastled:example', 'nx-fastled:invalid'],
    },
    one: compile('one', 'sketch', ['lib/Lib/examples/One/One.ino', 'lib/Lib/examples/One/local.h', ...shared, 'inc/top.h']),
    two: compile('two', 'sketch', ['lib/Lib/examples/Two/Two.ino', ...shared, 'lib/Lib/vendored/x/x.h', 'lib/Lib/examples/Bad/bad.h']),
    libtu: compile('libtu', 'library', ['lib/Lib/src/Lib.cpp', 'lib/Lib/src/Lib.h']),
  };
}

const FILES = ['lib/Lib/vendored/x/package.json', 'package.json'];
const byName = (ps: Record<string, ProjectConfiguration>) => (n: string) => Object.values(ps).find((p) => p.name === n);
const sorted = (xs: string[]) => [...xs].sort();

describe('shareSketchInputs', () => {
  it('keeps every sketch TU input file, each under the deepest nx-fastled project that owns it', () => {
    const ps = workspace();
    const before = (ps.one.targets!.compile.inputs as unknown[]).filter((i): i is string => typeof i === 'string');
    shareSketchInputs(ps, FILES);
    expect(sorted(fileInputs(ps.one.targets!.compile, byName(ps)))).toEqual(sorted(before.map((f) => f.replace('{workspaceRoot}/', ''))));
    const refs = (ps.one.targets!.compile.inputs as unknown[]).filter((i) => typeof i === 'object' && i && 'input' in i);
    expect(refs.map((r) => (r as { projects: string[] }).projects[0])).toEqual(['dep', 'lib', 'lib/One']);
    // The example's own files belong to the example project, not to the library above it.
    const one = Object.values(ps['lib/Lib/examples/One'].namedInputs!)[0];
    expect(one).toEqual(['{projectRoot}/One.ino', '{projectRoot}/local.h']);
    // A file no nx-fastled project owns stays a workspace file input, as do the lockfile rule and globs.
    expect(ps.one.targets!.compile.inputs).toContain('{workspaceRoot}/inc/top.h');
    expect(ps.one.targets!.compile.inputs).toContainEqual(LOCK);
  });

  it('sketches with the same library headers share one named input; library TUs keep their lists', () => {
    const ps = workspace();
    shareSketchInputs(ps, FILES);
    const libInputs = Object.keys(ps['lib/Lib'].namedInputs!);
    expect(libInputs).toHaveLength(1);
    expect(libInputs[0].startsWith(SHARED_INPUT_PREFIX)).toBe(true);
    expect(ps['lib/Lib'].namedInputs![libInputs[0]]).toEqual(['{projectRoot}/src/Lib.h', '{projectRoot}/src/util/a.h']);
    expect(ps.libtu.targets!.compile.inputs).toEqual(['{workspaceRoot}/lib/Lib/src/Lib.cpp', '{workspaceRoot}/lib/Lib/src/Lib.h', LOCK]);
  });

  it("a sketch reaching other library headers (or a new example) keeps plain entries: the library's named inputs stay as they were", () => {
    const ps = workspace();
    shareSketchInputs(ps, FILES);
    const before = ps['lib/Lib'].namedInputs;
    const again = workspace();
    again.three = compile('three', 'sketch', ['lib/Lib/examples/Three/Three.ino', 'lib/Lib/src/Lib.h', 'lib/Lib/src/extra.h']);
    again['lib/Lib/examples/Three'] = { name: 'lib/Three', root: 'lib/Lib/examples/Three', tags: ['nx-fastled', 'nx-fastled:example'] };
    shareSketchInputs(again, FILES);
    expect(again['lib/Lib'].namedInputs).toEqual(before);
    expect(again.three.targets!.compile.inputs).toContain('{workspaceRoot}/lib/Lib/src/extra.h');
    expect(again.three.targets!.compile.inputs).toContain('{workspaceRoot}/lib/Lib/src/Lib.h');
    expect(sorted(fileInputs(again.three.targets!.compile, byName(again)))).toEqual([
      'lib/Lib/examples/Three/Three.ino',
      'lib/Lib/src/Lib.h',
      'lib/Lib/src/extra.h',
    ]);
  });

  it('a file another project may own (a package.json or project.json folder, a failing example) keeps its workspace entry', () => {
    const ps = workspace();
    shareSketchInputs(ps, FILES);
    expect(ps.two.targets!.compile.inputs).toContain('{workspaceRoot}/lib/Lib/vendored/x/x.h');
    // So does a file in a failing example's folder (that project owns it, and holds no named inputs).
    expect(ps.two.targets!.compile.inputs).toContain('{workspaceRoot}/lib/Lib/examples/Bad/bad.h');
    expect(ps['lib/Lib/examples/Bad'].namedInputs).toBeUndefined();
    const lib = Object.values(ps['lib/Lib'].namedInputs!).flat();
    expect(lib).not.toContain('{projectRoot}/vendored/x/x.h');
  });

  it('the named input name is the content digest of its list (same list, same name, any order of discovery)', () => {
    const a = workspace();
    const b = workspace();
    // Same projects, inserted in another order.
    const reordered = Object.fromEntries(Object.entries(b).reverse());
    shareSketchInputs(a, FILES);
    shareSketchInputs(reordered, FILES);
    expect(a['lib/Lib'].namedInputs).toEqual(reordered['lib/Lib'].namedInputs);
    expect(a.one.targets!.compile.inputs).toEqual(reordered.one.targets!.compile.inputs);
  });
});

describe('checkSharedInputs', () => {
  it('names each named-input file Nx gives to another project, and nothing when ownership matches', () => {
    const ps = workspace();
    shareSketchInputs(ps, FILES);
    const byProjectName = Object.fromEntries(Object.values(ps).map((p) => [p.name!, p]));
    const owned: Record<string, string[]> = {
      lib: ['lib/Lib/src/Lib.h', 'lib/Lib/src/util/a.h'],
      dep: ['other/Dep/Dep.h'],
      'lib/One': ['lib/Lib/examples/One/One.ino', 'lib/Lib/examples/One/local.h'],
      'lib/Two': ['lib/Lib/examples/Two/Two.ino'],
    };
    expect(checkSharedInputs(byProjectName, (n) => new Set(owned[n] ?? []))).toEqual([]);
    // A project.json nobody foresaw in src/util: Nx gives a.h to that project.
    owned.lib = ['lib/Lib/src/Lib.h'];
    const problems = checkSharedInputs(byProjectName, (n) => new Set(owned[n] ?? []));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('lib/Lib/src/util/a.h');
    expect(problems[0]).toContain('project "lib"');
  });
});
