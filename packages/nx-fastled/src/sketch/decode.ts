// Sketch text normalisation: the bytes or string of one .ino file to LF-only text without a BOM, as the
// Arduino builder reads it (it also turns CRLF and lone CR into LF before inserting prototypes).
// Non-UTF-8 input is an error rather than a silent U+FFFD substitution, because the replaced bytes would
// change the generated C++ (and its cache key) without anyone noticing.

import { SketchError } from './sketch-error';

const REPLACEMENT = '\uFFFD';

/** Decodes and normalises one sketch file; `text` may be raw bytes (decoded strictly) or a string. */
export function normaliseSketchText(path: string, text: string | Uint8Array): string {
  let s: string;
  if (typeof text === 'string') {
    s = text;
    // A string can only carry U+FFFD here if a lossy decoder met invalid bytes; a sketch that really
    // contains the character is rare enough that asking for the bytes is the better trade.
    const bad = s.indexOf(REPLACEMENT);
    if (bad >= 0) {
      throw new SketchError(
        path,
        lineAt(s, bad),
        'contains U+FFFD, the mark a lossy decoder leaves for bytes that are not UTF-8; save the file as UTF-8 ' +
          '(or pass its raw bytes so the exact offending line is reported)',
      );
    }
  } else {
    s = decodeUtf8Strict(path, text);
  }
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s.replace(/\r\n?/g, '\n');
}

function decodeUtf8Strict(path: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new SketchError(
      path,
      line,
      `is not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, '0')} at offset ${at}); ` +
        'the Arduino builder reads sketches as UTF-8: re-save the file as UTF-8',
    );
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

function lineAt(s: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (s.charCodeAt(i) === 10) line++;
  return line;
}
