// Intel HEX (what avr-objcopy -O ihex writes) to a flash image. Record types 00 (data), 01 (end),
// 02 (extended segment address) and 04 (extended linear address) are understood; 03/05 (start
// addresses) carry nothing a simulator needs. A malformed line is an error naming the file and line.

export class HexError extends Error {}

/** Bytes of flash, `flashBytes` long, erased (0xff) where the file says nothing. */
export function parseIntelHex(text: string, flashBytes: number, file = '<hex>'): Uint8Array {
  const flash = new Uint8Array(flashBytes).fill(0xff);
  let base = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const where = `${file}:${i + 1}`;
    if (!/^:([0-9A-Fa-f]{2})+$/.test(line)) throw new HexError(`${where}: not an Intel HEX record; rebuild the firmware`);
    const bytes = Buffer.from(line.slice(1), 'hex');
    const count = bytes[0];
    if (bytes.length !== count + 5)
      throw new HexError(`${where}: record length ${bytes.length - 5} != declared ${count}; the file is truncated or corrupt`);
    let sum = 0;
    for (const b of bytes) sum = (sum + b) & 0xff;
    if (sum !== 0) throw new HexError(`${where}: checksum mismatch; the file is corrupt`);
    const addr = (bytes[1] << 8) | bytes[2];
    const type = bytes[3];
    const data = bytes.subarray(4, 4 + count);
    if (type === 0x00) {
      const at = base + addr;
      if (at + count > flashBytes)
        throw new HexError(`${where}: data at 0x${at.toString(16)} beyond the ${flashBytes}-byte flash of this MCU`);
      flash.set(data, at);
    } else if (type === 0x01) break;
    else if (type === 0x02) base = ((data[0] << 8) | data[1]) << 4;
    else if (type === 0x04) base = ((data[0] << 8) | data[1]) << 16;
  }
  return flash;
}
