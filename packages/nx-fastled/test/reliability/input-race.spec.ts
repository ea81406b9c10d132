// Inputs edited while a build runs must never be cached under the hash of what Nx saw (issue 13, first case;
// design in src/hashing/input-manifest.ts). Real host g++, a real Nx 24 client, no daemon.
//
// The library's TU includes a large header (the whole C++ standard library: about a second of parsing), then
// `config.h`, whose #define the example prints. Two moments are tried:
//   - while cc1plus runs on that TU (the scenario), found in /proc by its command line and cwd;
//   - after Nx hashed the workspace but before any task ran, made deterministic by a second, local plugin whose
//     createNodes edits the header once (Nx walks and hashes the workspace before it asks plugins for nodes).
// Each time: the compile fails naming config.h, nothing is cached for it; the edit is reverted; the rebuild
// compiles again (no cache hit) and the program prints the reverted value.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { byId, cacheEntryHolding, frozenWorkspace, nxInBackground, plain, STACK_FRAME, Task, waitUntil } from './helpers';
import type { TestWorkspace } from '../support/workspace';

jest.setTimeout(600_000);

const TU = 'libraries/Race/src/race.cpp';
const CONFIG = 'libraries/Race/src/config.h';
const OBJ = 'dist/native/race/obj/src/race.cpp.o';
const PROGRAM = 'dist/native/race/examples/Show/Show.elf';
const ARGS = ['run-many', '-t', 'build', '--outputStyle=static', '--parallel=2', '--nx-bail=false'];

const config = (value: number) => `#pragma once\n#define RACE_VALUE ${value}\n`;

function writeRaceLibrary(dir: string): void {
  const files: Record<string, string> = {
    'library.properties': 'name=Race\nversion=1.0.0\nsentence=A TU that takes a while to parse.\narchitectures=*\n',
    'src/Race.h': '#pragma once\nint raceValue();\n',
    // The whole standard library first: cc1plus parses it for about a second before it opens config.h.
    'src/big.h': '#pragma once\n#include <bits/stdc++.h>\n',
    'src/config.h': config(111),
    'src/race.cpp': '#include "big.h"\n#include "config.h"\n#include "Race.h"\nint raceValue() { return RACE_VALUE; }\n',
    'examples/Show/Show.ino':
      '#include <Race.h>\n\nvoid setup() {\n  Serial.print("value=");\n  Serial.println(raceValue());\n}\n\nvoid loop() {}\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

/** Pids of cc1plus processes compiling `tu` with `cwd` as their working directory. */
function compilers(cwd: string, tu: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (!path.basename(cmd[0] ?? '').startsWith('cc1plus') || !cmd.includes(tu)) continue;
      if (fs.realpathSync(`/proc/${e}/cwd`) === fs.realpathSync(cwd)) out.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

function runProgram(ws: TestWorkspace): string {
  const r = spawnSync(path.join(ws.root, PROGRAM), [], { encoding: 'utf8', timeout: 30_000 });
  return r.stdout;
}

function compileTask(tasks: Task[]): Task {
  const t = tasks.find((x) => x.target === 'compile' && x.project.endsWith('src/race.cpp'));
  if (!t) throw new Error(`no compile task for race.cpp in ${tasks.map((x) => x.id).join(', ')}`);
  return t;
}

const PARENT = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-race-'));

describe('a header edited while cc1plus compiles the TU that includes it', () => {
  const parent = path.join(PARENT, 'during');
  const cache = path.join(parent, 'nx-cache');
  let ws: TestWorkspace;
  let first: { code: number | null; out: string };

  beforeAll(async () => {
    fs.mkdirSync(parent, { recursive: true });
    const lib = path.join(parent, 'fixture/Race');
    writeRaceLibrary(lib);
    ws = frozenWorkspace({ libraries: [lib], boards: ['native'], parent });
    const run = nxInBackground(ws, cache, ARGS);
    let edited = false;
    const watch = waitUntil('cc1plus on race.cpp', () => compilers(ws.root, TU).length > 0, 300_000, 10).then(() => {
      fs.writeFileSync(path.join(ws.root, CONFIG), config(222));
      edited = true;
    });
    const exit = await run.exited;
    await watch.catch((e) => {
      throw new Error(`${(e as Error).message}; nx exited ${exit.code}:\n${run.output()}`);
    });
    expect(edited).toBe(true);
    first = { code: exit.code, out: plain(run.output()) };
  });

  it('fails the compile with a message naming the edited header; nothing is cached or left', () => {
    expect(first.code).not.toBe(0);
    expect(first.out).toContain(`${CONFIG} (written while the build ran) changed after Nx hashed the workspace for this run`);
    expect(first.out).toContain('It was deleted and nothing is cached');
    expect(first.out).not.toMatch(STACK_FRAME);
    const t = compileTask(ws.lastRun().tasks as Task[]);
    expect(t.status).toBe('failure');
    expect(fs.existsSync(path.join(ws.root, OBJ))).toBe(false);
    expect(fs.readdirSync(path.dirname(path.join(ws.root, OBJ))).filter((f) => f.startsWith('race.cpp'))).toEqual([]);
    expect(cacheEntryHolding(cache, OBJ)).toBeUndefined();
    // Everything that did not read the header still built.
    const others = (ws.lastRun().tasks as Task[]).filter((x) => x.target === 'compile' && x.id !== t.id);
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter((x) => x.status !== 'success').map((x) => `${x.id}: ${x.status}`)).toEqual([]);
  });

  it('after the edit is reverted, the rebuild compiles again (no cache hit) and the program prints the original value', () => {
    fs.writeFileSync(path.join(ws.root, CONFIG), config(111));
    const r = ws.nx(ARGS);
    expect(r.status).toBe(0);
    const tasks = byId(ws.lastRun().tasks as Task[]);
    expect(compileTask([...tasks.values()]).status).toBe('success');
    expect(runProgram(ws)).toContain('value=111');
  });
});

describe('a header edited after Nx hashed the workspace, before the tasks ran', () => {
  const parent = path.join(PARENT, 'before');
  const cache = path.join(parent, 'nx-cache');
  let ws: TestWorkspace;

  beforeAll(() => {
    fs.mkdirSync(parent, { recursive: true });
    const lib = path.join(parent, 'fixture/Race');
    writeRaceLibrary(lib);
    ws = frozenWorkspace({ libraries: [lib], boards: ['native'], parent });
    // A local plugin that edits the header once, from createNodes: after Nx's walk, before preTasksExecution.
    ws.write(
      'tools/edit-once.js',
      [
        "const fs = require('node:fs');",
        "const path = require('node:path');",
        'exports.createNodes = [',
        "  '**/library.properties',",
        '  async (files, options, context) => {',
        "    const marker = path.join(context.workspaceRoot, 'tools/.edited');",
        '    if (process.env.NXF_TEST_EDIT && !fs.existsSync(marker)) {',
        `      fs.writeFileSync(path.join(context.workspaceRoot, ${JSON.stringify(CONFIG)}), ${JSON.stringify(config(333))});`,
        "      fs.writeFileSync(marker, '');",
        '    }',
        '    return [];',
        '  },',
        '];',
      ].join('\n'),
    );
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.plugins.push('./tools/edit-once.js');
    ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    ws.write('.gitignore', `${ws.read('.gitignore')}tools/.edited\n`);
  });

  it('fails the compile naming the header as already different when the tasks started', () => {
    const r = ws.nx(ARGS, { NXF_TEST_EDIT: '1' });
    const out = plain(`${r.stdout}${r.stderr}`);
    expect(r.status).not.toBe(0);
    expect(ws.read(CONFIG)).toContain('333');
    expect(out).toContain(`${CONFIG} (already different when the tasks started) changed after Nx hashed the workspace for this run`);
    expect(compileTask(ws.lastRun().tasks as Task[]).status).toBe('failure');
    expect(cacheEntryHolding(cache, OBJ)).toBeUndefined();
  });

  it('after the revert, the rebuild compiles (no hit of the edited object) and prints the original value', () => {
    ws.write(CONFIG, config(111));
    const r = ws.nx(ARGS);
    expect(r.status).toBe(0);
    expect(compileTask(ws.lastRun().tasks as Task[]).status).toBe('success');
    expect(runProgram(ws)).toContain('value=111');
    // And a plain warm rerun is all hits: the check does not disturb caching.
    const again = ws.nx(ARGS);
    expect(again.status).toBe(0);
    expect((ws.lastRun().tasks as Task[]).every((t) => t.status.includes('cache'))).toBe(true);
  });
});
