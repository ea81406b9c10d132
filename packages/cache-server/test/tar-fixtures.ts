// Hand-made tar archives for the entry checks: a real archiver refuses to write most of the bad members
// (`../x`, absolute paths, devices), so the 512-byte ustar headers are written here directly.
import { gzipSync } from 'node:zlib';

export interface Member {
  name: string;
  /** '0' file, '5' directory, '2' symlink, '1' hard link, '3' char device, '6' FIFO ... */
  type?: string;
  data?: Buffer | string;
  linkname?: string;
}

function header(m: Member, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(m.name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148); // checksum placeholder
  h.write(m.type ?? '0', 156);
  if (m.linkname) h.write(m.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

export function tarOf(members: Member[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    parts.push(header(m, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** What Nx 24 writes: outputs at workspace-relative paths, then `terminalOutput` and `code`. */
export function nxEntry(extra: Member[] = [], outputs: Member[] = [{ name: 'app/out/result.txt', data: 'ok\n' }]): Buffer {
  return gzipSync(
    tarOf([
      { name: 'app', type: '5' },
      { name: 'app/out', type: '5' },
      ...outputs,
      ...extra,
      { name: 'terminalOutput', data: 'built\n' },
      { name: 'code', data: '0' },
    ]),
  );
}
