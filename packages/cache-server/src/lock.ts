/**
 * The store lock: `<store>/lock` holds `<pid> <random>` of the one server (or proxy) that owns the store.
 *
 * Taking it is atomic: the content is written to a private temp file first and published with link(2),
 * which fails if the lock exists. A lock whose pid is dead is stale; taking it over is serialised through
 * `lock.takeover-<pid>` created with O_EXCL, and the lock's content is read again after that, so of two
 * processes that found the same stale lock at the same time exactly one removes it and the other one then
 * sees the new owner (the old way, read-remove-create, let both open the store).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { silentLogger, type Logger } from './log';

export interface StoreLock {
  release(): Promise<void>;
}

export async function acquireStoreLock(dir: string, log: Logger = silentLogger): Promise<StoreLock> {
  const lockPath = path.join(dir, 'lock');
  const mine = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const tmp = path.join(dir, `lock.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await fsp.writeFile(tmp, mine, { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await fsp.link(tmp, lockPath);
        return {
          async release() {
            const now = await fsp.readFile(lockPath, 'utf8').catch(() => '');
            if (now === mine) await fsp.rm(lockPath, { force: true });
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const content = await fsp.readFile(lockPath, 'utf8').catch(() => undefined);
      if (content === undefined) continue; // removed meanwhile: try again
      const owner = Number.parseInt(content, 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new Error(`store ${dir} is in use by another server (pid ${owner})`);
      }
      await takeOverStale(dir, lockPath, content, owner, log);
    }
    throw new Error(`could not lock store ${dir} (the lock kept changing)`);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** @internal Exported for the race test. */
export async function takeOverStale(dir: string, lockPath: string, staleContent: string, owner: number, log: Logger): Promise<void> {
  const marker = path.join(dir, `lock.takeover-${Number.isInteger(owner) ? owner : 'x'}`);
  try {
    await fsp.writeFile(marker, `${process.pid}\n`, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Someone else is taking this stale lock over; if that someone died half-way, clear its marker.
    const other = Number.parseInt(await fsp.readFile(marker, 'utf8').catch(() => ''), 10);
    if (!(Number.isInteger(other) && other > 0 && other !== process.pid && isRunning(other))) await fsp.rm(marker, { force: true });
    else await new Promise((r) => setTimeout(r, 20));
    return;
  }
  try {
    // Only remove the lock if it is still the stale one we looked at.
    const again = await fsp.readFile(lockPath, 'utf8').catch(() => undefined);
    if (again === staleContent) {
      log.warn(`taking over stale store lock (pid ${Number.isInteger(owner) ? owner : '?'})`);
      await fsp.rm(lockPath, { force: true });
    }
  } finally {
    await fsp.rm(marker, { force: true });
  }
}

/**
 * True if `pid` is a live process. A zombie counts as dead: a detached server is reaped by PID 1, which in
 * containers can take a while, and its lock/pid file must not block a restart meanwhile.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return stat.charAt(close + 2) !== 'Z';
  } catch {
    return true; // no procfs: trust kill(pid, 0)
  }
}
