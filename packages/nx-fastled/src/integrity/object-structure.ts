// Whether an object or archive is structurally whole, from its bytes alone: catches truncation (an
// interrupted write, a cut-off cache restore) without any record of what the file should be.
//
// Formats: ELF relocatable objects, 32- and 64-bit, either byte order (host and AVR objects; LTO objects are
// ELF too): the section header table and every section's bytes must lie inside the file. GNU/BSD `ar`
// archives: 60-byte member headers whose sizes add up to exactly the file, and every ELF member whole (an
// archive made from a damaged object is itself well-formed). Thin archives hold no member bytes: not checked.

/** Why `bytes` (the content of `file`, judged by its extension) is not whole, or undefined when it is. */
export function structuralProblem(bytes: Buffer, file: string): string | undefined {
  if (file.endsWith('.o')) return elfProblem(bytes);
  if (file.endsWith('.a')) return arProblem(bytes);
  return undefined;
}

/** ELF relocatable objects (host and AVR; LTO objects are ELF too). */
export function elfProblem(b: Buffer): string | undefined {
  if (b.length < 52) return `truncated: ${b.length} bytes, smaller than an ELF header`;
  if (b.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF object (bad magic number)';
  const is64 = b[4] === 2;
  if (b[4] !== 1 && !is64) return `bad ELF class ${b[4]}`;
  if (b[5] !== 1 && b[5] !== 2) return `bad ELF data encoding ${b[5]}`;
  const le = b[5] === 1;
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const uN = (o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(o));
  if (is64 && b.length < 64) return `truncated: ${b.length} bytes, smaller than an ELF64 header`;
  const shoff = uN(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  if (shoff === 0 || shnum === 0) return undefined; // no section table (not what a compiler writes, but valid)
  const tableEnd = shoff + shentsize * shnum;
  if (tableEnd > b.length) return `truncated: the section table ends at byte ${tableEnd}, the file has ${b.length}`;
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    const type = u32(at + 4);
    const offset = uN(at + (is64 ? 0x18 : 0x10));
    const size = uN(at + (is64 ? 0x20 : 0x14));
    if (type !== 8 /* SHT_NOBITS */ && type !== 0 && offset + size > b.length) {
      return `truncated: section ${i} ends at byte ${offset + size}, the file has ${b.length}`;
    }
  }
  return undefined;
}

/** GNU/BSD `ar` archives as gcc-ar writes them (thin archives are not checked: they hold no member bytes). */
export function arProblem(b: Buffer): string | undefined {
  const magic = b.subarray(0, 8).toString('latin1');
  if (magic === '!<thin>\n') return undefined;
  if (magic !== '!<arch>\n') return b.length < 8 ? `truncated: ${b.length} bytes` : 'not an ar archive (bad magic)';
  let at = 8;
  while (at < b.length) {
    if (at + 60 > b.length) return `truncated: a member header at byte ${at} runs past the end (${b.length} bytes)`;
    if (b[at + 58] !== 0x60 || b[at + 59] !== 0x0a) return `damaged: bad member header at byte ${at}`;
    const size = Number(
      b
        .subarray(at + 48, at + 58)
        .toString('latin1')
        .trim(),
    );
    if (!Number.isInteger(size) || size < 0) return `damaged: bad member size at byte ${at}`;
    const end = at + 60 + size;
    if (end > b.length) return `truncated: the member at byte ${at} ends at byte ${end}, the file has ${b.length}`;
    const member = b.subarray(at + 60, end);
    // Members are objects: an archive made from a damaged object is itself well-formed, so look inside.
    if (member.length >= 4 && member.readUInt32BE(0) === 0x7f454c46) {
      const problem = elfProblem(member);
      if (problem) return `member ${memberName(b, at)} is damaged (${problem})`;
    }
    at = end + (end % 2);
  }
  return undefined;
}

/** A member's name: GNU `name/`, or `/<offset>` into the `//` long-name table. */
function memberName(b: Buffer, at: number): string {
  const raw = b
    .subarray(at, at + 16)
    .toString('latin1')
    .trim();
  const long = /^\/(\d+)$/.exec(raw);
  if (long) {
    const table = b.indexOf('//              ', 8, 'latin1');
    if (table >= 0) {
      const start = table + 60 + Number(long[1]);
      const stop = b.indexOf('/\n', start, 'latin1');
      if (stop > start) return b.subarray(start, stop).toString('utf8');
    }
  }
  return raw.replace(/\/$/, '');
}
