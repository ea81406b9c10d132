import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Authenticator, parseTokenList } from '../src/auth';
import { parseSize, shellQuote } from '../src/cli';
import { route } from '../src/handler';
import { isValidKey } from '../src/keys';
import { acquireStoreLock, takeOverStale } from '../src/lock';
import { silentLogger } from '../src/log';
import { DiskStore, EntryTooLargeError, type PendingWrite } from '../src/store';
import { captureLogger, tmpDir } from './helpers';

describe('keys and routing', () => {
  it('accepts decimal keys only, bounded', () => {
    expect(isValidKey('0')).toBe(true);
    expect(isValidKey('18446744073709551615')).toBe(true);
    for (const bad of ['', '..', '1/2', '1\0', 'a1', ' 1', '1 ', '-1', '+1', '1'.repeat(33), '１']) expect(isValidKey(bad)).toBe(false);
  });

  it('routes', () => {
    expect(route('/v1/cache/12')).toEqual({ kind: 'cache', key: '12' });
    expect(route('//v1//cache/12/')).toEqual({ kind: 'cache', key: '12' });
    expect(route('/v1/cache/12?x=1')).toEqual({ kind: 'cache', key: '12' });
    expect(route('/healthz')).toEqual({ kind: 'health' });
    expect(route('/v1/cache/../x')).toMatchObject({ kind: 'error', status: 400 });
    expect(route('/v1/cache/%31')).toMatchObject({ kind: 'error', status: 400 });
    expect(route('*')).toMatchObject({ kind: 'error', status: 400 });
    expect(route(`/${'x'.repeat(3000)}`)).toMatchObject({ kind: 'error', status: 414 });
    expect(route('/other')).toMatchObject({ kind: 'error', status: 404 });
  });
});

describe('auth', () => {
  const auth = new Authenticator({ writeTokens: ['w-token-123'], readTokens: ['r-token-123', 'r-token-456'] });
  it('maps bearer tokens to access levels', () => {
    expect(auth.check('Bearer w-token-123')).toBe('write');
    expect(auth.check('bearer r-token-456')).toBe('read');
    expect(auth.check('Bearer  r-token-123 ')).toBe('read');
    expect(auth.check('Bearer w-token-12')).toBe('none');
    expect(auth.check('Basic w-token-123')).toBe('none');
    expect(auth.check('w-token-123')).toBe('none');
    expect(auth.check(undefined)).toBe('none');
    expect(auth.check('Bearer w-token-123 extra')).toBe('none');
  });
  it('rejects weak or unsafe tokens and empty configuration', () => {
    expect(() => new Authenticator({ writeTokens: [], readTokens: [] })).toThrow(/at least one/);
    expect(() => new Authenticator({ writeTokens: ['short'], readTokens: [] })).toThrow(/8-512/);
    expect(() => new Authenticator({ writeTokens: ["has'quote"], readTokens: [] })).toThrow();
    expect(parseTokenList(' a-token-1 ,, b-token-2 ')).toEqual(['a-token-1', 'b-token-2']);
  });
});

describe('cli helpers', () => {
  it('parses sizes and quotes for the shell', () => {
    expect(parseSize('1048576', 'x')).toBe(1048576);
    expect(parseSize('512M', 'x')).toBe(512 * 1024 ** 2);
    expect(parseSize('10G', 'x')).toBe(10 * 1024 ** 3);
    expect(parseSize('2KiB', 'x')).toBe(2048);
    expect(() => parseSize('-1', 'x')).toThrow();
    expect(() => parseSize('1.5G', 'x')).toThrow();
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe('DiskStore', () => {
  async function write(store: DiskStore, key: string, data: string | Buffer): Promise<void> {
    const w = (await store.beginWrite(key, 1 << 20)) as PendingWrite;
    await w.write(Buffer.from(data));
    await w.commit();
  }

  it('cleans stray temp files, ignores foreign files, keeps the newest duplicate', async () => {
    const dir = tmpDir();
    const log = captureLogger();
    let s = await DiskStore.open({ dir, maxBytes: 1 << 20, log });
    await write(s, '1', 'one');
    await s.close();
    fs.writeFileSync(path.join(dir, 'tmp', '1.abc.part'), 'partial');
    fs.writeFileSync(path.join(dir, 'entries', 'README'), 'not an entry');
    const dupe = path.join(dir, 'entries', `1.${'0'.repeat(64)}`);
    fs.writeFileSync(dupe, 'older');
    fs.utimesSync(dupe, new Date(1000), new Date(1000));
    s = await DiskStore.open({ dir, maxBytes: 1 << 20, log });
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    expect(fs.existsSync(dupe)).toBe(false);
    const r = await s.read('1');
    expect(r?.kind === 'buffer' && r.data.toString()).toBe('one');
    expect(log.lines.join('\n')).toMatch(/removed 1 unfinished upload/);
    expect(log.lines.join('\n')).toMatch(/ignoring unexpected file/);
    await s.close();
  });

  it('enforces the per-entry limit while writing and never publishes the partial file', async () => {
    const dir = tmpDir();
    const s = await DiskStore.open({ dir, maxBytes: 1 << 20 });
    const w = (await s.beginWrite('2', 10)) as PendingWrite;
    await w.write(Buffer.from('12345'));
    await expect(w.write(Buffer.from('678901'))).rejects.toBeInstanceOf(EntryTooLargeError);
    await w.abort();
    expect(s.has('2')).toBe(false);
    expect(s.isBusy('2')).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    const again = await s.beginWrite('2', 10);
    expect(typeof again).toBe('object');
    await (again as PendingWrite).abort();
    await s.close();
  });

  it('second writer of a key in flight gets busy; existing key gets exists', async () => {
    const s = await DiskStore.open({ dir: tmpDir(), maxBytes: 1 << 20 });
    const w = (await s.beginWrite('3', 100)) as PendingWrite;
    expect(await s.beginWrite('3', 100)).toBe('busy');
    await w.write(Buffer.from('x'));
    await w.commit();
    expect(await s.beginWrite('3', 100)).toBe('exists');
    await s.close();
  });

  it('rejects invalid keys defensively', async () => {
    const s = await DiskStore.open({ dir: tmpDir(), maxBytes: 1 << 20 });
    await expect(s.beginWrite('../x', 100)).rejects.toThrow(/invalid cache key/);
    expect(await s.read('../x')).toBeNull();
    await s.close();
  });
});

describe('store lock', () => {
  const deadPid = () => {
    const r = spawnSync(process.execPath, ['-e', '']);
    return r.pid!;
  };

  it('takes over a stale lock, refuses a live one', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'lock'), `${deadPid()} 0123\n`);
    const lock = await acquireStoreLock(dir);
    expect(fs.readFileSync(path.join(dir, 'lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
    await lock.release();
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'lock'), `1 0123\n`); // pid 1 is always alive
    await expect(acquireStoreLock(dir)).rejects.toThrow(/in use by another server \(pid 1\)/);
  });

  it('of two processes that found the same stale lock, the slower one does not remove the new owner’s lock', async () => {
    const dir = tmpDir();
    const lockPath = path.join(dir, 'lock');
    const pid = deadPid();
    const stale = `${pid} 0123\n`;
    fs.writeFileSync(lockPath, stale);
    // A takes over first...
    const a = await acquireStoreLock(dir);
    const owned = fs.readFileSync(lockPath, 'utf8');
    // ...then B, which read the same stale content before A's takeover, tries to take it over too.
    await takeOverStale(dir, lockPath, stale, pid, silentLogger);
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(owned);
    await a.release();
  });
});
