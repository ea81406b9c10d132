/** Small file helpers of the commands: atomic writes, pid files, log tails. */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

export async function readPid(file: string): Promise<number | undefined> {
  const txt = await fsp.readFile(file, 'utf8').catch(() => undefined);
  const n = Number.parseInt(txt ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function tail(file: string, lines = 20): Promise<string> {
  const txt = await fsp.readFile(file, 'utf8').catch(() => '');
  return txt
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}
