// A well-formed Nx 24 cache entry (gzip tar: one output file, `terminalOutput`, `code`) around given bytes,
// for load tests against nx-fastled-cache, which refuses anything that is not one (entry-check.ts).
import { gzipSync } from 'node:zlib';

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

export function nxEntryAround(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [name, bytes] of [
    ['out/payload.bin', data],
    ['terminalOutput', Buffer.from('load\n')],
    ['code', Buffer.from('0')],
  ] as const) {
    parts.push(header(name, bytes.length), bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts), { level: 1 });
}
