// The archive member order of the Arduino builder: with `--relax` (ATmega2560) the link's size depends on it.
import { arduinoObjectOrder } from './build-plan';

describe('arduinoObjectOrder', () => {
  it("orders the AVR core's objects as arduino-builder 1.3.25 archived them for mega (ar t of its core.a)", () => {
    const arduinoBuilder = [
      'wiring_pulse.S',
      'WInterrupts.c',
      'hooks.c',
      'wiring.c',
      'wiring_analog.c',
      'wiring_digital.c',
      'wiring_pulse.c',
      'wiring_shift.c',
      'CDC.cpp',
      'HardwareSerial.cpp',
      'HardwareSerial0.cpp',
      'HardwareSerial1.cpp',
      'HardwareSerial2.cpp',
      'HardwareSerial3.cpp',
      'IPAddress.cpp',
      'PluggableUSB.cpp',
      'Print.cpp',
      'Stream.cpp',
      'Tone.cpp',
      'USBCore.cpp',
      'WMath.cpp',
      'WString.cpp',
      'abi.cpp',
      'main.cpp',
      'new.cpp',
    ];
    // The same files in plain name order: how nx-fastled archived them before.
    const byName = [...arduinoBuilder].sort();
    expect(byName[0]).toBe('CDC.cpp');
    const obj = (f: string) => `dist/mega/core/obj/cores/arduino/${f}.o`;
    expect(arduinoObjectOrder(byName.map(obj))).toEqual(arduinoBuilder.map(obj));
  });

  it("puts a folder's own files before its subfolders, as the builder's recursive walk does", () => {
    const objs = ['d/obj/src/a/x.cpp.o', 'd/obj/src/b.cpp.o', 'd/obj/src/a/b/y.c.o', 'd/obj/src/a/w.S.o', 'd/obj/src/c.c.o'];
    expect(arduinoObjectOrder(objs)).toEqual([
      'd/obj/src/c.c.o',
      'd/obj/src/b.cpp.o',
      'd/obj/src/a/w.S.o',
      'd/obj/src/a/x.cpp.o',
      'd/obj/src/a/b/y.c.o',
    ]);
  });
});
