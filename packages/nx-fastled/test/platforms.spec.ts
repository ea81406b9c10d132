// Arduino platforms as the Arduino tools install them, built with the real compiler: Debian's AVR core and
// toolchain arranged by symlinks the way arduino-cli lays them out under ~/.arduino15 (the compiler found
// through {runtime.tools.avr-gcc.path}), a board picked by FQBN with a `cpu=` menu option, and a sketchbook
// platform whose board borrows arduino:avr's core (`build.core=arduino:arduino`) with a variant of its own.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HAS_AVR, makeWorkspace, projectGraph, TestWorkspace } from './support/workspace';

const DEBIAN_AVR = '/usr/share/arduino/hardware/arduino/avr';
const describeAvr = HAS_AVR ? describe : describe.skip;
if (!HAS_AVR) console.warn('platforms.spec: avr-g++ or the Arduino AVR core is missing; skipped');

jest.setTimeout(900_000);

/** A HOME with ~/.arduino15 (arduino:avr 1.8.7 and the avr-gcc tool) and ~/Arduino/hardware/acme/avr. */
function arduinoHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-home-'));
  const platform = path.join(home, '.arduino15/packages/arduino/hardware/avr/1.8.7');
  fs.mkdirSync(platform, { recursive: true });
  for (const f of ['cores', 'variants', 'boards.txt', 'platform.txt']) fs.symlinkSync(path.join(DEBIAN_AVR, f), path.join(platform, f));
  // Debian's platform.txt names /usr/bin/ itself; arduino-cli's names its tool folder. platform.local.txt
  // (read after platform.txt) makes this one arduino-cli's.
  fs.writeFileSync(path.join(platform, 'platform.local.txt'), 'compiler.path={runtime.tools.avr-gcc.path}/bin/\n');
  const bin = path.join(home, '.arduino15/packages/arduino/tools/avr-gcc/5.4.0-atmel3.6.2-debian/bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const p of ['avr-gcc', 'avr-g++', 'avr-gcc-ar', 'avr-objcopy', 'avr-size']) fs.symlinkSync(`/usr/bin/${p}`, path.join(bin, p));

  const acme = path.join(home, 'Arduino/hardware/acme/avr');
  fs.mkdirSync(path.join(acme, 'variants/widget'), { recursive: true });
  fs.writeFileSync(
    path.join(acme, 'boards.txt'),
    [
      'widget.name=Acme Widget',
      'widget.upload.maximum_size=30000',
      'widget.upload.maximum_data_size=2048',
      'widget.build.mcu=atmega328p',
      'widget.build.f_cpu=8000000L',
      'widget.build.board=AVR_WIDGET',
      'widget.build.core=arduino:arduino',
      'widget.build.variant=widget',
      '',
    ].join('\n'),
  );
  fs.copyFileSync(path.join(DEBIAN_AVR, 'variants/standard/pins_arduino.h'), path.join(acme, 'variants/widget/pins_arduino.h'));
  fs.writeFileSync(path.join(acme, 'variants/widget/widget_init.c'), 'int acme_widget_revision = 2;\n');
  return home;
}

describeAvr('Arduino platforms with the real compiler', () => {
  let ws: TestWorkspace;
  let home: string;
  const env = () => ({ HOME: home });
  beforeAll(() => {
    home = arduinoHome();
    ws = makeWorkspace({ libraries: ['Flat15'], boards: ['uno', 'arduino:avr:mega:cpu=atmega1280', 'acme:avr:widget'] });
  });

  it('builds every board; each output folder is the board id, each size checked against its own limits', () => {
    const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static', '--parallel=2'], env());
    if (r.status !== 0) throw new Error(`${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
    const size = (board: string) => JSON.parse(ws.read(`dist/${board}/flat15/examples/Hello/Hello.size.json`));
    expect([size('uno').flashLimit, size('uno').ramLimit]).toEqual([32256, 2048]);
    expect([size('mega-cpu-atmega1280').flashLimit, size('mega-cpu-atmega1280').ramLimit]).toEqual([126976, 8192]);
    expect([size('acme-avr-widget').flashLimit, size('acme-avr-widget').ramLimit]).toEqual([30000, 2048]);
    for (const b of ['uno', 'mega-cpu-atmega1280', 'acme-avr-widget']) {
      expect(size(b).flash).toBeGreaterThan(1000);
      expect(ws.read(`dist/${b}/flat15/examples/Hello/Hello.hex`)).toMatch(/^:[0-9A-F]+\r?\n/);
    }
    // The ATmega1280 is a different chip: the same sketch links to a different image than on the uno.
    expect(ws.read('dist/mega-cpu-atmega1280/flat15/examples/Hello/Hello.hex')).not.toBe(
      ws.read('dist/uno/flat15/examples/Hello/Hello.hex'),
    );
    // The widget's own variant source was compiled from its platform, next to arduino:avr's core.
    expect(fs.existsSync(path.join(ws.root, 'dist/acme-avr-widget/core/obj/variant/variants/widget/widget_init.c.o'))).toBe(true);
    expect(fs.existsSync(path.join(ws.root, 'dist/acme-avr-widget/core/obj/cores/arduino/wiring.c.o'))).toBe(true);
  });

  it('commands follow each board: FQBN menu choice, borrowed core, variant through its own variable', () => {
    const g = projectGraph(ws);
    const cmd = (p: string) => g.nodes[p].data.targets.compile.options!.command!;
    expect(cmd('mega-cpu-atmega1280/flat15/src/Flat15.cpp')).toContain(
      '-mmcu=atmega1280 -DF_CPU=16000000L -DARDUINO=10819 -DARDUINO_AVR_MEGA -DARDUINO_ARCH_AVR',
    );
    const variant = cmd('acme-avr-widget/core/variant/variants/widget/widget_init.c');
    expect(variant).toMatch(/"\$NXF_ACME_AVR_WIDGET_[0-9a-f]{12}_VARIANT"\/variants\/widget\/widget_init\.c/);
    expect(cmd('acme-avr-widget/flat15/src/Flat15.cpp')).toContain('-DARDUINO_AVR_WIDGET');
    expect(JSON.stringify(g.nodes['acme-avr-widget/flat15/src/Flat15.cpp'].data)).not.toContain(home);
  });

  it('nx show project tells where each board came from, its menus, limits and FastLED traits', () => {
    const r = ws.nx(['show', 'project', 'flat15', '--json'], env());
    expect(r.status).toBe(0);
    const boards = JSON.parse(r.stdout).metadata.nxFastled.boards;
    expect(boards.uno.platform).toMatch(/^arduino:avr 1\.8\.7 \(arduino-cli /);
    expect(boards.uno.located).toContain('compiler: arduino-cli');
    expect(boards['mega-cpu-atmega1280'].menus).toBe('cpu=atmega1280 (ATmega1280)');
    expect(boards['mega-cpu-atmega1280'].traits).toMatch(
      /^platform atmelavr, family avr, target ATMEGA1280, memory low; derived \(FastLED's CI does not define "mega"\)/,
    );
    expect(boards.uno.traits).toMatch(/^platform atmelavr, family avr, target ATMEGA328P, memory low; FastLED ci\/boards\.py board "uno"/);
    expect(boards['acme-avr-widget'].core).toBe('arduino:arduino (build.core)');
    expect(boards['acme-avr-widget'].platform).toMatch(/^acme:avr .*the sketchbook/);
    const hello = JSON.parse(ws.nx(['show', 'project', 'flat15/NativeOnly', '--json'], env()).stdout);
    expect(hello.metadata.nxFastled.boards['mega-cpu-atmega1280']).toMatch(/^skipped: .*\.native\.test\.only/);
  });
});
