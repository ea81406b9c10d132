import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PostTasksExecutionContext } from '@nx/devkit';
import { readIndex, readInputs, writeInputs } from '../why/inputs';
import { memoDir } from './state';
import { INDEX_FILE, INPUTS_FILE, recordWhy } from './why';

const record = (hash: string) => ({ hash, files: { 'a.h': hash }, deps: {}, other: {} });

function context(root: string, hash: string, status: string): PostTasksExecutionContext {
  return {
    workspaceRoot: root,
    nxJsonConfiguration: {},
    taskResults: {
      'p:compile': {
        status,
        code: 0,
        task: { id: 'p:compile', target: { project: 'p', target: 'compile' }, hash, hashDetails: { nodes: {} } },
      },
    },
  } as unknown as PostTasksExecutionContext;
}

describe('why-ran records index', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-why-index-'));
    dir = memoDir(root);
    fs.mkdirSync(dir, { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes the hash of every record beside the records', () => {
    writeInputs(path.join(dir, INPUTS_FILE), { version: 1, tasks: { b: record('2') } }, { a: record('1') }, path.join(dir, INDEX_FILE));
    expect(readIndex(path.join(dir, INDEX_FILE))).toEqual({ a: '1', b: '2' });
    expect(Object.keys(readInputs(path.join(dir, INPUTS_FILE)).tasks)).toEqual(['a', 'b']);
  });

  it('a run whose tasks all hit with their recorded hash never reads or rewrites the records', async () => {
    // Records that cannot be parsed: reading them would turn into "no records" and a rewrite.
    fs.writeFileSync(path.join(dir, INPUTS_FILE), 'not json');
    fs.writeFileSync(path.join(dir, INDEX_FILE), JSON.stringify({ version: 1, tasks: { 'p:compile': '7' } }));
    const r = await recordWhy(context(root, '7', 'local-cache'), undefined, 'build');
    expect(r.reasons).toEqual({});
    expect(fs.readFileSync(path.join(dir, INPUTS_FILE), 'utf8')).toBe('not json');
  });

  it('without an index the records are read, and the index is written even when no record changed', async () => {
    writeInputs(path.join(dir, INPUTS_FILE), { version: 1, tasks: {} }, { 'p:compile': record('7') });
    expect(fs.existsSync(path.join(dir, INDEX_FILE))).toBe(false);
    await recordWhy(context(root, '7', 'local-cache'), undefined, 'build');
    expect(readIndex(path.join(dir, INDEX_FILE))).toEqual({ 'p:compile': '7' });
    expect(readInputs(path.join(dir, INPUTS_FILE)).tasks['p:compile'].hash).toBe('7');
  });
});
