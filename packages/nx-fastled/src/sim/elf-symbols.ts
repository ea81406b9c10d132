// Function symbols of a 32-bit little-endian ELF (what avr-gcc links): enough to say in which function the
// CPU was when something went wrong, and where `loop()` (or `serialEventRun()`, which Arduino's main()
// calls after every loop()) starts. With LTO, setup() and loop() are usually inlined into main() and have
// no symbol of their own; serialEventRun() usually keeps one.

export interface ElfFunction {
  name: string;
  /** Byte address in flash. */
  address: number;
  size: number;
}

/** Function symbols sorted by address; [] for anything that is not an ELF32 LE file (no names, no error). */
export function elfFunctions(elf: Uint8Array): ElfFunction[] {
  const b = Buffer.from(elf.buffer, elf.byteOffset, elf.byteLength);
  if (b.length < 52 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 1 || b[5] !== 1) return [];
  const shoff = b.readUInt32LE(32);
  const shentsize = b.readUInt16LE(46);
  const shnum = b.readUInt16LE(48);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return {
      type: b.readUInt32LE(o + 4),
      offset: b.readUInt32LE(o + 16),
      size: b.readUInt32LE(o + 20),
      link: b.readUInt32LE(o + 24),
      entsize: b.readUInt32LE(o + 36),
    };
  });
  const out: ElfFunction[] = [];
  for (const s of sections) {
    if (s.type !== 2 /* SHT_SYMTAB */) continue;
    const strtab = sections[s.link];
    for (let o = s.offset; o + 16 <= s.offset + s.size; o += s.entsize || 16) {
      const info = b[o + 12];
      if ((info & 0xf) !== 2 /* STT_FUNC */) continue;
      const nameAt = strtab.offset + b.readUInt32LE(o);
      const end = b.indexOf(0, nameAt);
      out.push({ name: b.toString('latin1', nameAt, end), address: b.readUInt32LE(o + 4), size: b.readUInt32LE(o + 8) });
    }
  }
  return out.sort((x, y) => x.address - y.address || x.name.localeCompare(y.name));
}

/** The function holding byte address `pc`, demangled just enough to read (`_Z4loopv` stays as is). */
export function functionAt(functions: ElfFunction[], pc: number): string | undefined {
  let best: ElfFunction | undefined;
  for (const f of functions) {
    if (f.address > pc) break;
    if (pc < f.address + Math.max(f.size, 2)) best = f;
  }
  return best?.name;
}

/** Where the first loop() starts, or undefined when neither loop() nor serialEventRun() has a symbol. */
export function loopMarker(functions: ElfFunction[]): { name: string; address: number } | undefined {
  for (const name of ['loop', '_Z4loopv', 'serialEventRun', '_Z14serialEventRunv']) {
    const f = functions.find((x) => x.name === name);
    if (f) return { name: name.includes('loop') ? 'loop()' : 'serialEventRun()', address: f.address };
  }
  return undefined;
}
