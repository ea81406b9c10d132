// `link`: link, make the firmware images, measure, check the board's limits, then publish every output.
//
// `<Name>.size.json` (the format the build report reads):
//   { "board": "uno", "flash": 5086, "ram": 538, "flashLimit": 32256, "ramLimit": 2048,
//     "sections": { ".text": 5052, ".data": 34, ".bss": 504, ... } }
// Sizes follow the Arduino recipe: flash = .text + .data (+ .bootloader), RAM = .data + .bss + .noinit.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitQuoted } from '../platform/properties';
import { defineCommand, parseCommand } from '../util/args';
import { tempName, writeAtomic } from '../util/atomic';
import { verifyInputs } from './verify-command';

class ToolError extends Error {
  constructor(
    message: string,
    readonly stderr = '',
  ) {
    super(message);
  }
}

function run(program: string, args: string[], what: string, quiet = false): string {
  const r = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new ToolError(`nx-fastled: ${what}: cannot run ${program}: ${r.error.message}`);
  if (r.stderr && !quiet) process.stderr.write(r.stderr);
  if (r.status !== 0) throw new ToolError(`nx-fastled: ${what} failed (${path.basename(program)} exited ${r.status})`, r.stderr ?? '');
  return r.stdout;
}

/** The linker's own words when a memory region overflows (avr-ld: `.bss' is not within region `data'). */
const REGION_OVERFLOW = /is not within region|region `?[\w.]+'? overflowed|will not fit in region/;

/** Objects and archives on a link command line (workspace-relative paths; flags and -l libraries skipped). */
export function linkInputs(args: string[]): string[] {
  return args.filter((a) => !a.startsWith('-') && /\.(o|a)$/.test(a));
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

export const LINK_COMMAND = defineCommand({
  command: 'nx-fastled-task link',
  usage:
    '--board <b> --bin <dir> --out-dir <dir> --name <Name> --linker <prog> [--objcopy <prog> --hex-flags=<flags> [--eep-flags=<flags>]] ' +
    '[--size <prog>] [--size-regex=<re>] [--size-regex-data=<re>] [--flash-limit <bytes>] [--ram-limit <bytes>] [--no-heal] -- <link arguments>',
  about:
    "Links a sketch, makes its firmware images and checks their size against the board's limits. Inputs are verified " +
    'first (see verify); every output is published (the .elf last) only when all of that succeeded.',
  options: {
    board: { type: 'string', description: 'board name (for messages and <Name>.size.json)' },
    bin: { type: 'string', description: "the toolchain's bin folder" },
    'out-dir': { type: 'string', description: 'where <Name>.elf, .hex, .eep and .size.json go' },
    name: { type: 'string', description: 'the sketch name' },
    linker: { type: 'string', description: 'the linker driver, relative to --bin' },
    objcopy: { type: 'string', description: 'objcopy, relative to --bin' },
    'hex-flags': { type: 'string', description: 'objcopy flags making the .hex (write --hex-flags=...)' },
    'eep-flags': { type: 'string', description: 'objcopy flags making the .eep (write --eep-flags=...)' },
    size: { type: 'string', description: 'the size tool, relative to --bin' },
    'size-regex': {
      type: 'string',
      description: 'platform.txt recipe.size.regex: `size -A` lines whose first group sums to flash (default .text+.data+.bootloader)',
    },
    'size-regex-data': {
      type: 'string',
      description: 'platform.txt recipe.size.regex.data: the same for RAM (default .data+.bss+.noinit)',
    },
    'flash-limit': { type: 'string', description: 'flash bytes available' },
    'ram-limit': { type: 'string', description: 'RAM bytes available' },
    'no-heal': { type: 'boolean', description: 'a damaged input is reported, not removed' },
    sketch: { type: 'string', description: 'the main .ino, named in the message when setup() or loop() is missing' },
  },
  required: ['board', 'bin', 'out-dir', 'name', 'linker'],
  maxPositionals: 0,
  rest: true,
});

/** `setup` / `loop` the linker found no definition of (an empty sketch, or one that only declares them). */
export function missingEntryPoints(linkerStderr: string): string[] {
  return ['setup', 'loop'].filter((f) => new RegExp(`undefined reference to [\`'‘"]?${f}\\b`).test(linkerStderr));
}

export function missingEntryMessage(sketch: string, missing: string[]): string {
  const what = missing.length === 2 ? 'neither setup() nor loop()' : `no ${missing[0]}() function`;
  return `nx-fastled: ${sketch}: the sketch defines ${what} (the linker found no definition): every Arduino sketch needs "void setup()" and "void loop()"; add them, even empty`;
}

export function runLink(argv: string[]): void {
  const args = parseCommand(LINK_COMMAND, argv);
  if (!args) return;
  const flags = args.values;
  const afterDashes = args.rest;
  const board = flags.board!;
  const bin = flags.bin!;
  const outDir = flags['out-dir']!;
  const name = flags.name!;
  const linker = flags.linker!;
  const tool = (p: string) => path.join(bin, p);
  const elf = path.join(outDir, `${name}.elf`);
  fs.mkdirSync(outDir, { recursive: true });
  const tmpElf = tempName(elf);
  const pending: [string, string][] = [[tmpElf, elf]];
  // Never link what is not whole: Nx restores cached outputs without checking them.
  verifyInputs(linkInputs(afterDashes), { heal: !flags['no-heal'], workspaceRoot: process.cwd() });
  const size = flags.size;
  const limitOf = (k: 'flash-limit' | 'ram-limit') => (flags[k] !== undefined ? Number(flags[k]) : undefined);
  const regexes = { flash: flags['size-regex'], data: flags['size-regex-data'] };
  try {
    try {
      run(tool(linker), [...afterDashes, '-o', tmpElf], `linking ${elf}`, true);
    } catch (e) {
      const stderr = e instanceof ToolError ? e.stderr : '';
      process.stderr.write(stderr);
      // The linker refused because a region overflowed: measure anyway (a throwaway image linked with
      // --noinhibit-exec) so the message gives both sizes and the limits, as the size check does.
      if (size && REGION_OVERFLOW.test(stderr)) {
        const probe = tempName(path.join(outDir, `${name}.overflow.elf`));
        pending.push([probe, probe]);
        try {
          run(tool(linker), [...afterDashes, '-Wl,--noinhibit-exec', '-o', probe], `measuring ${elf}`, true);
        } catch {
          // could not produce even a throwaway image: keep the linker's own message
        }
        if (fs.existsSync(probe)) {
          const r = measure(tool(size), probe, board, limitOf('flash-limit'), limitOf('ram-limit'), regexes);
          throw new ToolError(tooLargeMessage(elf, board, r, overLimits(r)).replace('too large', 'too large (the linker refused it)'));
        }
      }
      const missing = missingEntryPoints(stderr);
      if (missing.length) throw new ToolError(missingEntryMessage(flags.sketch ?? elf, missing));
      throw e;
    }
    const objcopy = flags.objcopy;
    for (const [ext, objcopyFlags] of [
      ['hex', flags['hex-flags']],
      ['eep', flags['eep-flags']],
    ] as const) {
      if (!objcopy || objcopyFlags === undefined) continue;
      const image = path.join(outDir, `${name}.${ext}`);
      pending.push([tempName(image), image]);
      run(tool(objcopy), [...splitQuoted(objcopyFlags, `--${ext}-flags`), tmpElf, tempName(image)], `making ${image}`);
    }
    const report: SizeReport = size
      ? measure(tool(size), tmpElf, board, limitOf('flash-limit'), limitOf('ram-limit'), regexes)
      : { board, flash: 0, ram: 0, sections: {}, flashLimit: limitOf('flash-limit'), ramLimit: limitOf('ram-limit') };
    const over = overLimits(report);
    if (over.length) throw new ToolError(tooLargeMessage(elf, board, report, over));
    // Publish the .elf last: it is what marks the link as done for a person looking at the folder.
    for (const [from, to] of pending.slice(1)) fs.renameSync(from, to);
    writeAtomic(path.join(outDir, `${name}.size.json`), JSON.stringify(report, null, 2) + '\n');
    fs.renameSync(tmpElf, elf);
    process.stdout.write(
      size
        ? `${elf}: flash ${report.flash}${report.flashLimit ? `/${report.flashLimit}` : ''} bytes, RAM ${report.ram}${report.ramLimit ? `/${report.ramLimit}` : ''} bytes\n`
        : `${elf}\n`,
    );
  } finally {
    for (const [from] of pending) fs.rmSync(from, { force: true });
  }
}

/** The sum of the first group of `regex` over the lines of `size -A` (how arduino-cli reads recipe.size.regex). */
export function sumMatches(text: string, regex: string): number {
  const re = new RegExp(regex);
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = re.exec(line.replace(/\r$/, ''));
    if (m?.[1] && /^\d+$/.test(m[1])) sum += Number(m[1]);
  }
  return sum;
}

function measure(
  sizeTool: string,
  elfFile: string,
  board: string,
  flashLimit?: number,
  ramLimit?: number,
  regexes: { flash?: string; data?: string } = {},
): SizeReport {
  const text = run(sizeTool, ['-A', elfFile], `measuring ${elfFile}`);
  const sections = parseSizeA(text);
  const s = sections;
  // Without the platform's regexes: the AVR recipe's sections (flash .text+.data+.bootloader, RAM .data+.bss+.noinit).
  const report: SizeReport = {
    board,
    flash: regexes.flash ? sumMatches(text, regexes.flash) : (s['.text'] ?? 0) + (s['.data'] ?? 0) + (s['.bootloader'] ?? 0),
    ram: regexes.data ? sumMatches(text, regexes.data) : (s['.data'] ?? 0) + (s['.bss'] ?? 0) + (s['.noinit'] ?? 0),
    sections,
  };
  if (flashLimit !== undefined) report.flashLimit = flashLimit;
  if (ramLimit !== undefined) report.ramLimit = ramLimit;
  return report;
}

function overLimits(report: SizeReport): string[] {
  const over: string[] = [];
  if (report.flashLimit !== undefined && report.flash > report.flashLimit) {
    over.push(`flash ${report.flash} bytes > ${report.flashLimit} bytes (over by ${report.flash - report.flashLimit})`);
  }
  if (report.ramLimit !== undefined && report.ram > report.ramLimit) {
    over.push(`RAM ${report.ram} bytes > ${report.ramLimit} bytes (over by ${report.ram - report.ramLimit})`);
  }
  return over;
}

function tooLargeMessage(elf: string, board: string, report: SizeReport, over: string[]): string {
  return (
    `nx-fastled: ${elf}: too large for ${board}: ${over.join('; ') || 'a memory region overflowed'}. ` +
    `Flash ${report.flash}/${report.flashLimit} bytes, RAM ${report.ram}/${report.ramLimit} bytes. ` +
    `Shrink the sketch or exclude it for ${board} (a "// @filter" line or a .${board}.test.skip file).`
  );
}
