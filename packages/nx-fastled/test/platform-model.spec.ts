// The Arduino platform model without a compiler: FQBNs and board ids, arduino-cli's argument splitting,
// platform discovery, board resolution (menus, platform.local.txt, OS-specific keys, another vendor's core),
// recipes taken apart, build hooks refused, FastLED traits. Fixture platforms: test/fixtures/platforms.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arduinoBoardTraits } from '../src/filters';
import { resolveArduinoBoard } from '../src/platform/board';
import { discoverPlatforms, Installation } from '../src/platform/discover';
import { boardId, parseBoardName } from '../src/platform/fqbn';
import { splitQuoted } from '../src/platform/properties';
import { arduinoRecipe } from '../src/platform/recipe';
import { arduinoBoard } from '../src/toolchain/arduino';

const HARDWARE = path.join(__dirname, 'fixtures/platforms/hardware');

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-platform-'));
  // An arduino-cli tool install: runtime.tools.avr-gcc.path points here.
  fs.mkdirSync(path.join(home, '.arduino15/packages/arduino/tools/avr-gcc/5.4.0-test/bin'), { recursive: true });
  fs.mkdirSync(path.join(home, '.arduino15/packages/arduino/tools/avr-gcc/4.9.2-old/bin'), { recursive: true });
  return home;
}

describe('board names', () => {
  it('aliases and FQBNs map to readable, stable ids', () => {
    expect(boardId('uno')).toBe('uno');
    expect(boardId('arduino:avr:uno')).toBe('uno');
    expect(boardId('arduino:avr:mega:cpu=atmega1280')).toBe('mega-cpu-atmega1280');
    expect(boardId('acme:avr:widget')).toBe('acme-avr-widget');
    expect(parseBoardName('arduino:avr:mega:cpu=atmega1280')).toEqual({
      vendor: 'arduino',
      arch: 'avr',
      board: 'mega',
      options: [['cpu', 'atmega1280']],
    });
    expect(() => parseBoardName('arduino:avr')).toThrow(/vendor:arch:board/);
    expect(() => parseBoardName('arduino:avr:mega:cpu')).toThrow(/menu=option/);
    expect(() => parseBoardName('no spaces')).toThrow(/not a board alias/);
  });
});

describe("arduino-cli's recipe splitting", () => {
  it('splits at spaces; a word starting with a quote runs to the word ending with it', () => {
    expect(splitQuoted('"/usr/bin/avr-g++" -c  -Os "a b" x')).toEqual(['/usr/bin/avr-g++', '-c', '-Os', 'a b', 'x']);
    expect(splitQuoted(`'-DUSB_PRODUCT="Arduino Leonardo"' -DX=1`)).toEqual(['-DUSB_PRODUCT="Arduino Leonardo"', '-DX=1']);
    expect(splitQuoted('"" -w')).toEqual(['-w']);
    expect(() => splitQuoted('"unterminated -w')).toThrow(/no closing "/);
  });
});

describe('platforms and boards (fixture hardware, no compiler)', () => {
  let home: string;
  let inst: Installation;
  beforeAll(() => {
    home = tempHome();
    inst = discoverPlatforms({ env: {}, homeDir: home, hardwareDirs: [HARDWARE], systemHardwareDir: path.join(home, 'no-debian') });
  });

  it('discovers every vendor:arch of a hardware folder and the arduino-cli tools', () => {
    expect(inst.platforms.map((p) => `${p.vendor}:${p.arch} ${p.version}`).sort()).toEqual([
      'acme:avr ',
      'arduino:avr 1.2.3',
      'hooky:avr 0.1.0',
    ]);
    expect(inst.tools.map((t) => `${t.name}@${t.version}`)).toEqual(['avr-gcc@4.9.2-old', 'avr-gcc@5.4.0-test']);
  });

  it('resolves a board: platform.txt, platform.local.txt over it, the newest tool, OS-specific keys, -MMD dropped, -g kept on compiles and dropped at the link', () => {
    const board = resolveArduinoBoard(inst, parseBoardName('uno'));
    const r = arduinoRecipe(board);
    expect(r.programs.cpp).toBe(path.join(home, '.arduino15/packages/arduino/tools/avr-gcc/5.4.0-test/bin/avr-g++'));
    expect(r.compileFlags.cpp).toEqual([
      '-c',
      '-g',
      '-Os',
      '-w',
      '-std=gnu++11',
      '-fno-exceptions',
      '-flto',
      '-mmcu=atmega328p',
      '-DF_CPU=16000000L',
      '-DARDUINO=10819',
      '-DARDUINO_AVR_UNO',
      '-DARDUINO_ARCH_AVR',
    ]);
    expect(r.dropped.sort()).toEqual(['-MMD', '-g']);
    expect(r.linkFlags).toEqual(['-w', '-Os', '-flto', '-fuse-linker-plugin', '-Wl,--gc-sections', '-Wl,--relax', '-mmcu=atmega328p']);
    expect(r.linkLibs).toEqual(['-lm']);
    expect(r.archiveFlags).toEqual(['rcs']);
    expect(r.objcopyHex).toEqual(['-O', 'ihex', '-R', '.eeprom']);
    expect(r.sizeRegex).toEqual({
      flash: '^(?:\\.text|\\.data|\\.bootloader)\\s+([0-9]+).*',
      data: '^(?:\\.data|\\.bss|\\.noinit)\\s+([0-9]+).*',
    });
    expect(r.limits).toEqual({ flash: 32256, ram: 2048 });
    expect(r.hooks).toEqual([]);
  });

  it('menus: the first option by default, the FQBN choice otherwise, each with its own limits and defines', () => {
    const def = resolveArduinoBoard(inst, parseBoardName('arduino:avr:mega'));
    expect(def.menus).toEqual([
      { menu: 'cpu', title: 'Processor', option: 'atmega2560', label: 'ATmega2560 (Mega 2560)', chosen: 'default' },
    ]);
    expect(arduinoRecipe(def).limits).toEqual({ flash: 253952, ram: 8192 });
    // arduino-builder links an ATmega2560 with ",--relax" appended to compiler.c.elf.flags (here, from
    // platform.local.txt, ending in -Wl,--relax); other chips as written.
    expect(arduinoRecipe(def).linkFlags.slice(-2)).toEqual(['-Wl,--relax,--relax', '-mmcu=atmega2560']);
    const m1280 = resolveArduinoBoard(inst, parseBoardName('arduino:avr:mega:cpu=atmega1280'));
    const r = arduinoRecipe(m1280);
    expect(r.compileFlags.c).toEqual(expect.arrayContaining(['-mmcu=atmega1280', '-DARDUINO_AVR_MEGA']));
    expect(r.limits).toEqual({ flash: 126976, ram: 8192 });
    expect(r.linkFlags.slice(-2)).toEqual(['-Wl,--relax', '-mmcu=atmega1280']);
    expect(() => resolveArduinoBoard(inst, parseBoardName('arduino:avr:mega:cpu=atmega9'))).toThrow(
      /menu cpu has no option "atmega9" \(options: atmega2560, atmega1280\)/,
    );
    expect(() => resolveArduinoBoard(inst, parseBoardName('arduino:avr:uno:cpu=atmega1280'))).toThrow(/uno has no menu "cpu"/);
  });

  it("quoted board values survive as one argument each (the Leonardo's USB strings)", () => {
    const r = arduinoRecipe(resolveArduinoBoard(inst, parseBoardName('arduino:avr:leo')));
    expect(r.compileFlags.cpp.slice(-4)).toEqual([
      '-DUSB_VID=0x2341',
      '-DUSB_PID=0x8036',
      '-DUSB_MANUFACTURER="Unknown"',
      '-DUSB_PRODUCT="Test Leonardo"',
    ]);
  });

  it("a board borrowing another vendor's core: arduino:avr's recipe and core, its own variant", () => {
    const w = resolveArduinoBoard(inst, parseBoardName('acme:avr:widget'));
    expect(w.corePlatform.vendor).toBe('arduino');
    expect(w.variantPlatform.vendor).toBe('acme');
    expect(w.core).toBe('arduino');
    expect(w.props.get('build.core.path')).toBe(path.join(HARDWARE, 'arduino/avr/cores/arduino'));
    expect(w.props.get('build.variant.path')).toBe(path.join(HARDWARE, 'acme/avr/variants/widget'));
    expect(arduinoRecipe(w).compileFlags.cpp).toEqual(expect.arrayContaining(['-DARDUINO_AVR_WIDGET', '-DF_CPU=8000000L']));
  });

  it('errors name the file, the board and what exists', () => {
    expect(() => resolveArduinoBoard(inst, parseBoardName('arduino:avr:nope'))).toThrow(
      /boards.txt: no board "nope" \(boards of arduino:avr: uno, mega, leo, tiny\)/,
    );
    expect(() => resolveArduinoBoard(inst, parseBoardName('esp:esp32:dev'))).toThrow(/no installed platform esp:esp32/);
  });

  it('a platform with build hooks: the board is not built, and the message names the hook', () => {
    const def = arduinoBoard('hooky:avr:hook')!;
    const located = def.locate({ env: { HOME: home }, homeDir: home, hardwareDirs: [HARDWARE], pluginRoot: '/x' });
    expect(located.ok).toBe(false);
    expect(!located.ok && located.missing).toMatch(
      /build hooks its platform declares \(recipe\.hooks\.prebuild\.1\.pattern\): nx-fastled does not run recipe\.hooks\.\* steps/,
    );
  });
});

describe("FastLED's filter vocabulary per board", () => {
  it("FastLED's own boards keep FastLED's values; others are derived from the platform and memory", () => {
    const t = (key: string, mcu: string, ramBytes?: number) => {
      const { platform, family, target, memory } = arduinoBoardTraits({ id: key, key, arch: 'avr', mcu, ramBytes });
      return `${platform} ${family} ${target} ${memory}`;
    };
    expect(t('uno', 'atmega328p', 2048)).toBe('atmelavr avr ATMEGA328P low');
    expect(t('leonardo', 'atmega32u4', 2560)).toBe('atmelavr avr ATMEGA32U4 low');
    expect(t('mega', 'atmega2560', 8192)).toBe('atmelavr avr ATMEGA2560 low');
    expect(t('nano', 'atmega168', 1024)).toBe('atmelavr avr ATMEGA328P low'); // FastLED lists nano as low memory, target ATMEGA328P
    expect(t('atmegang', 'atmega168', 1024)).toBe('atmelavr avr ATMEGA168 tiny'); // 1 KB of RAM: FastLED's tiny tier
    expect(t('gemma', 'attiny85')).toBe('atmelavr avr ATTINY85 tiny');
  });
});
