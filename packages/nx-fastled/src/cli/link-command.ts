// `link`: link, make the firmware images, measure, check the board's limits, then publish every output.
//
// `<Name>.size.json` (the format the build report reads):
//   { "board": "uno", "flash": 5086, "ram": 538, "flashLimit": 32256, "ramLimit": 2048,
//     "sections": { ".text": 5052, ".data": 34, ".bss": 504, ... } }
// Sizes follow the Arduino recipe: flash = .text + .data (+ .bootloader), RAM = .data + .bss + .noinit.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitArgs } from '../toolchain/properties';
import { tempName } from './atomic';
import { parseArgs, UsageError } from './main';

class ToolError extends Error {}

function run(program: string, args: string[], what: string): string {
  const r = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new ToolError(`nx-fastled: ${what}: cannot run ${program}: ${r.error.message}`);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0) throw new ToolError(`nx-fastled: ${what} failed (${path.basename(program)} exited ${r.status})`);
  return r.stdout;
}

export interface SizeReport {
  board: string;
  flash: number;
  ram: number;
  flashLimit?: number;
  ramLimit?: number;
  sections: Record<string, number>;
}

export function parseSizeA(text: string): Record<string, number> {
  const sections: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line.trim());
    if (m) sections[m[1]] = Number(m[2]);
  }
  return sections;
}

export function runLink(argv: string[]): void {
  const { flags, afterDashes } = parseArgs(argv);
  const need = (k: string) => {
    const v = flags.get(k);
    if (!v) throw new UsageError(`nx-fastled-task link: --${k} is required`);
    return v;
  };
  const board = need('board');
  const bin = need('bin');
  const outDir = need('out-dir');
  const name = need('name');
  const tool = (p: string) => path.join(bin, p);
  const elf = path.join(outDir, `${name}.elf`);
  fs.mkdirSync(outDir, { recursive: true });
  const tmpElf = tempName(elf);
  const pending: [string, string][] = [[tmpElf, elf]];
  try {
    run(tool(need('linker')), [...afterDashes, '-o', tmpElf], `linking ${elf}`);
    const objcopy = flags.get('objcopy');
    if (objcopy && flags.has('hex-flags')) {
      const hex = path.join(outDir, `${name}.hex`);
      run(tool(objcopy), [...splitArgs(flags.get('hex-flags')!), tmpElf, tempName(hex)], `making ${hex}`);
      pending.push([tempName(hex), hex]);
    }
    if (objcopy && flags.has('eep-flags')) {
      const eep = path.join(outDir, `${name}.eep`);
      run(tool(objcopy), [...splitArgs(flags.get('eep-flags')!), tmpElf, tempName(eep)], `making ${eep}`);
      pending.push([tempName(eep), eep]);
    }
    const report: SizeReport = { board, flash: 0, ram: 0, sections: {} };
    const size = flags.get('size');
    if (size) {
      report.sections = parseSizeA(run(tool(size), ['-A', tmpElf], `measuring ${elf}`));
      const s = report.sections;
      report.flash = (s['.text'] ?? 0) + (s['.data'] ?? 0) + (s['.bootloader'] ?? 0);
      report.ram = (s['.data'] ?? 0) + (s['.bss'] ?? 0) + (s['.noinit'] ?? 0);
    }
    if (flags.has('flash-limit')) report.flashLimit = Number(flags.get('flash-limit'));
    if (flags.has('ram-limit')) report.ramLimit = Number(flags.get('ram-limit'));
    const over: string[] = [];
    if (report.flashLimit !== undefined && report.flash > report.flashLimit) {
      over.push(`flash ${report.flash} bytes > ${report.flashLimit} bytes (over by ${report.flash - report.flashLimit})`);
    }
    if (report.ramLimit !== undefined && report.ram > report.ramLimit) {
      over.push(`RAM ${report.ram} bytes > ${report.ramLimit} bytes (over by ${report.ram - report.ramLimit})`);
    }
    if (over.length) {
      throw new ToolError(
        `nx-fastled: ${elf}: too large for ${board}: ${over.join('; ')}. Flash ${report.flash}/${report.flashLimit}, RAM ${report.ram}/${report.ramLimit} bytes. Shrink the sketch or exclude it for ${board} (a "// @filter" line or a .${board}.test.skip file).`,
      );
    }
    const sizeJson = path.join(outDir, `${name}.size.json`);
    fs.writeFileSync(tempName(sizeJson), JSON.stringify(report, null, 2) + '\n');
    pending.push([tempName(sizeJson), sizeJson]);
    // Publish the .elf last: it is what marks the link as done for a person looking at the folder.
    for (const [from, to] of pending.slice(1)) fs.renameSync(from, to);
    fs.renameSync(tmpElf, elf);
    process.stdout.write(
      size ? `${elf}: flash ${report.flash}${report.flashLimit ? `/${report.flashLimit}` : ''} bytes, RAM ${report.ram}${report.ramLimit ? `/${report.ramLimit}` : ''} bytes\n` : `${elf}\n`,
    );
  } finally {
    for (const [from] of pending) fs.rmSync(from, { force: true });
  }
}
