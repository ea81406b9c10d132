// The native board's host core as an Arduino API, compiled with the real g++ with the native board's flags:
// String, Print/Printable, Stream parsing from stdin, Serial, virtual time, Wire/SPI/EEPROM that do
// nothing harmful, avr-libc's itoa/dtostrf. The sketch's output is compared line by line.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './support/workspace';

const CORE = path.join(REPO_ROOT, 'packages/nx-fastled/cores/native');
const CXX = [
  '-c',
  '-O1',
  '-std=gnu++11',
  '-fpermissive',
  '-fno-exceptions',
  '-fno-threadsafe-statics',
  '-DARDUINO=10819',
  '-DARDUINO_ARCH_NATIVE',
  `-I${CORE}`,
];

describe('native host core', () => {
  let dir: string;
  let program: string;
  const objects: string[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-core-'));
    for (const f of fs
      .readdirSync(CORE)
      .filter((f) => f.endsWith('.cpp'))
      .sort()) {
      const o = path.join(dir, `${f}.o`);
      // The core itself stays warning-free, so a library's -Wall build is not drowned in the core's noise.
      execFileSync('g++', [...CXX, '-Wall', '-Wextra', '-Werror', path.join(CORE, f), '-o', o]);
      objects.push(o);
    }
    const sketch = path.join(dir, 'ApiTour.cpp');
    fs.writeFileSync(
      sketch,
      `#include <Arduino.h>\n#line 1 "ApiTour.ino"\n${fs.readFileSync(path.join(__dirname, 'native-core/ApiTour.ino'), 'utf8')}`,
    );
    execFileSync('g++', [...CXX, '-w', sketch, '-o', `${sketch}.o`]);
    program = path.join(dir, 'ApiTour');
    execFileSync('g++', [`${sketch}.o`, ...objects, '-o', program, '-lm']);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs String, Printable, Serial input, Wire, SPI and EEPROM as the Arduino API does', () => {
    // From a file, not a pipe Node fills after the spawn: Serial reads stdin without blocking and its timeouts
    // run on the virtual clock, so input that arrives a moment late is input that never came.
    const input = path.join(dir, 'input.txt');
    fs.writeFileSync(input, '17 abc -2.5 trailing word\n');
    const fd = fs.openSync(input, 'r');
    let r: SpawnSyncReturns<string>;
    try {
      r = spawnSync(program, [], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, NX_FASTLED_NATIVE_LOOPS: '1' } });
    } finally {
      fs.closeSync(fd);
    }
    expect(r.status).toBe(0);
    expect(r.stdout.split('\r\n')).toEqual([
      'Temp: 21.5C ok',
      'ff -1 3.142 1010',
      'HELLO HOST 6 HOST 1',
      '(3,-4)',
      '  2.50',
      '-42',
      'i2c=2 got=0',
      'spi=FF',
      'eeprom=12345 fresh=255',
      'read 17 -2.50 [trailing word]',
      'elapsed>=250 1',
      'eof -1',
      '',
    ]);
  });

  it('Serial.read() returns -1 at once with no input, and timed reads end on the virtual clock', () => {
    const r = spawnSync(program, [], { input: '', encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('read 0 0.00 []');
  });

  it('takes what real libraries assume of other cores: BitOrder (ArduinoCore-API), <util/delay.h>, <ctype.h> and <stdio.h> through Arduino.h', () => {
    // Adafruit BusIO's `typedef BitOrder BusIOBitOrder` for non-AVR cores and its two SPI constructors (an
    // int MSBFIRST would make the call ambiguous), SSD1306's <util/delay.h> on anything but ARM/ESP,
    // NeoPixel's tolower() and RTClib's sprintf() with only Arduino.h included.
    const src = path.join(dir, 'Assumed.cpp');
    fs.writeFileSync(
      src,
      [
        '#include <Arduino.h>',
        '#include <SPI.h>',
        '#include <util/delay.h>',
        'typedef BitOrder BusIOBitOrder;',
        'struct Device {',
        '  int which;',
        '  Device(int8_t cs, uint32_t freq, BusIOBitOrder order, uint8_t mode) : which(1) {}',
        '  Device(int8_t cs, int8_t sck, int8_t miso, int8_t mosi) : which(2) {}',
        '};',
        'void setup() {',
        '  Device device(10, 100000, MSBFIRST, SPI_MODE1);',
        '  char buf[8];',
        '  sprintf(buf, "%02d", device.which);',
        '  Serial.print(buf);',
        '  BusIOBitOrder order = MSBFIRST;',
        '  SPI.beginTransaction(SPISettings(1000000, order, SPI_MODE0));',
        '  unsigned long t0 = millis();',
        '  _delay_ms(5);',
        "  Serial.print((char)tolower('Q'));",
        '  Serial.println(millis() - t0 >= 5);',
        '}',
        'void loop() {}',
        '',
      ].join('\n'),
    );
    execFileSync('g++', [...CXX, '-Wall', '-Wno-unused-parameter', '-Werror', src, '-o', `${src}.o`]);
    execFileSync('g++', [`${src}.o`, ...objects, '-o', path.join(dir, 'Assumed'), '-lm']);
    const r = spawnSync(path.join(dir, 'Assumed'), [], {
      input: '',
      encoding: 'utf8',
      env: { ...process.env, NX_FASTLED_NATIVE_LOOPS: '0' },
    });
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 0, out: '01q1\r\n' });
  });

  it('Arduino.h compiles as C', () => {
    const c = path.join(dir, 'plain.c');
    fs.writeFileSync(c, '#include <Arduino.h>\nint f(void) { char b[8]; itoa(5, b, 10); return min(1, 2) + (int)millis(); }\n');
    execFileSync('gcc', ['-c', '-std=gnu11', '-Wall', '-Wextra', '-Werror', `-I${CORE}`, c, '-o', `${c}.o`]);
  });
});
