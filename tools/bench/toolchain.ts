// Toolchain copies for `toolchain-moved`: the same AVR toolchain bytes under another prefix (`bin/avr-*`
// dereferenced, `lib/gcc/avr`, `lib/avr`, the Arduino core under `share/arduino/hardware/arduino/avr`), a
// PATH without any AVR compiler, and the two variants: one flipped byte in the copied cc1plus, one extra
// define in the copied core's platform.txt.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SYSTEM_AVR = {
  bin: '/usr/bin',
  gcc: '/usr/lib/gcc/avr',
  tool: '/usr/lib/avr',
  core: '/usr/share/arduino/hardware/arduino/avr',
};

export function copyToolchain(prefix: string): void {
  fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  for (const name of fs.readdirSync(SYSTEM_AVR.bin).filter((n) => n.startsWith('avr-'))) {
    execFileSync('cp', ['-L', path.join(SYSTEM_AVR.bin, name), path.join(prefix, 'bin', name)]);
  }
  fs.mkdirSync(path.join(prefix, 'lib/gcc'), { recursive: true });
  execFileSync('cp', ['-a', SYSTEM_AVR.gcc, path.join(prefix, 'lib/gcc/avr')]);
  execFileSync('cp', ['-a', SYSTEM_AVR.tool, path.join(prefix, 'lib/avr')]);
  fs.mkdirSync(path.join(prefix, 'share/arduino/hardware/arduino'), { recursive: true });
  execFileSync('cp', ['-a', SYSTEM_AVR.core, path.join(prefix, 'share/arduino/hardware/arduino/avr')]);
}

/** The copied driver's view of its private programs: proof that the copy, not /usr, is what runs. */
export function copiedProgramPaths(prefix: string): Record<string, string> {
  const gpp = path.join(prefix, 'bin/avr-g++');
  const ask = (arg: string) => execFileSync(gpp, [arg], { encoding: 'utf8' }).trim();
  return { cc1plus: ask('-print-prog-name=cc1plus'), as: ask('-print-prog-name=as'), install: ask('-print-search-dirs').split('\n')[0] };
}

/**
 * A folder to use as the whole PATH: symlinks to node and the few utilities the tasks and Nx run, and no
 * avr-* program, so only NX_FASTLED_<BOARD>_PREFIX can locate the compiler.
 */
export function minimalPath(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const tools = ['sh', 'mkdir', 'mv', 'rm', 'cat', 'env', 'ls', 'cp', 'dirname', 'basename', 'uname', 'git', 'printf'];
  const link = (name: string, target: string) => {
    const to = path.join(dir, name);
    if (!fs.existsSync(to)) fs.symlinkSync(target, to);
  };
  link('node', process.execPath);
  for (const t of tools) {
    for (const d of ['/usr/bin', '/bin']) {
      if (fs.existsSync(path.join(d, t))) {
        link(t, path.join(d, t));
        break;
      }
    }
  }
  return dir;
}

/** Flips the case of one letter in a diagnostic string of the copied cc1plus; returns what was changed. */
export function flipCc1plusByte(prefix: string): { file: string; offset: number; from: string; to: string } {
  const cc1plus = execFileSync(path.join(prefix, 'bin/avr-g++'), ['-print-prog-name=cc1plus'], { encoding: 'utf8' }).trim();
  if (!cc1plus.startsWith(prefix)) throw new Error(`copied avr-g++ runs ${cc1plus}, not a program under ${prefix}`);
  const buf = fs.readFileSync(cc1plus);
  const needle = Buffer.from('Please submit a full bug report');
  const at = buf.indexOf(needle);
  if (at < 0) throw new Error(`${cc1plus}: no "${needle}" string to flip`);
  const from = String.fromCharCode(buf[at]);
  buf[at] ^= 0x20; // 'P' → 'p'
  fs.writeFileSync(cc1plus, buf);
  return { file: cc1plus, offset: at, from, to: String.fromCharCode(buf[at]) };
}

export function restoreCc1plus(prefix: string, original = path.join(SYSTEM_AVR.gcc, fs.readdirSync(SYSTEM_AVR.gcc)[0], 'cc1plus')): void {
  const cc1plus = execFileSync(path.join(prefix, 'bin/avr-g++'), ['-print-prog-name=cc1plus'], { encoding: 'utf8' }).trim();
  fs.copyFileSync(original, cc1plus);
}

export const EXTRA_DEFINE_LINE = 'compiler.cpp.extra_flags=-DNXF_BENCH_EXTRA';

export function addExtraDefine(prefix: string): string {
  const file = path.join(prefix, 'share/arduino/hardware/arduino/avr/platform.txt');
  fs.appendFileSync(file, `\n${EXTRA_DEFINE_LINE}\n`);
  return file;
}

export function restorePlatformTxt(prefix: string): void {
  fs.copyFileSync(path.join(SYSTEM_AVR.core, 'platform.txt'), path.join(prefix, 'share/arduino/hardware/arduino/avr/platform.txt'));
}
