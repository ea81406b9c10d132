// A small PNG decoder for the screenshot test (8-bit grey/RGB/RGBA, not interlaced: what Chromium writes):
// chunks, zlib, scanline filters. Enough to tell a rendered page from a blank one without an npm package.
import * as zlib from 'node:zlib';

export interface Png {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng(data: Buffer): Png {
  if (data.length < 8 || !data.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG (bad signature)');
  let pos = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = -1;
  let interlace = 0;
  const idat: Buffer[] = [];
  while (pos + 8 <= data.length) {
    const len = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    const body = data.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8];
      colorType = body[9];
      interlace = body[12];
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!width || !height || bitDepth !== 8 || !channels || interlace !== 0) {
    throw new Error(`unsupported PNG: ${width}x${height}, bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}`);
  }
  // Typed arrays, not Buffer indexing: much faster inside Jest's module sandbox.
  const inflated = zlib.inflateSync(Buffer.concat(idat));
  const raw = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error(`PNG data too short: ${raw.length} < ${height * (stride + 1)}`);
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const up = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[row + x - channels] : 0;
      const b = y > 0 ? out[up + x] : 0;
      let v = raw[src + x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const c = x >= channels && y > 0 ? out[up + x - channels] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      out[row + x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  const grey = channels < 3;
  for (let i = 0, s = 0; i < width * height; i++, s += channels) {
    rgba[i * 4] = out[s];
    rgba[i * 4 + 1] = grey ? out[s] : out[s + 1];
    rgba[i * 4 + 2] = grey ? out[s] : out[s + 2];
    rgba[i * 4 + 3] = channels === 4 ? out[s + 3] : channels === 2 ? out[s + 1] : 255;
  }
  return { width, height, rgba };
}

export interface PngStats {
  /** Distinct colours at 6 bits a channel. */
  distinctColours: number;
  /** Share of pixels that differ from the most common colour (the background), at 6 bits a channel. */
  nonBackground: number;
  /** How many pixels are within `tolerance` of each asked-for colour. */
  matches: Record<string, number>;
}

export function pngStats(png: Png, colours: Record<string, [number, number, number]> = {}, tolerance = 12): PngStats {
  const bins = new Uint32Array(1 << 18);
  const names = Object.keys(colours);
  const wanted = names.map((n) => colours[n]);
  const hits = new Array<number>(names.length).fill(0);
  const n = png.width * png.height;
  const px = png.rgba;
  for (let i = 0; i < n; i++) {
    const r = px[i * 4];
    const g = px[i * 4 + 1];
    const b = px[i * 4 + 2];
    bins[((r >> 2) << 12) | ((g >> 2) << 6) | (b >> 2)]++;
    for (let k = 0; k < wanted.length; k++) {
      const w = wanted[k];
      if (Math.abs(r - w[0]) <= tolerance && Math.abs(g - w[1]) <= tolerance && Math.abs(b - w[2]) <= tolerance) hits[k]++;
    }
  }
  let distinct = 0;
  let top = 0;
  for (let i = 0; i < bins.length; i++) {
    if (bins[i]) distinct++;
    if (bins[i] > top) top = bins[i];
  }
  return { distinctColours: distinct, nonBackground: 1 - top / n, matches: Object.fromEntries(names.map((name, k) => [name, hits[k]])) };
}
