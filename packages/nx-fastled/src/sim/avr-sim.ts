// Runs AVR firmware (an Intel HEX image) in avr8js for a bounded simulated time, in this process, and says
// what it did: serial output (USART0), LED frames (see led-decoders.ts), and whether it crashed or hung.
//
// What counts as a failure, each reported with the simulated time it happened at:
//   - a reset: the PC back at 0 (a watchdog reset, or a jump to 0: a null function pointer, a corrupted
//     return address, running off the end of flash); three resets make a reset loop and end the run;
//   - a halt: a jump-to-self with interrupts off and no watchdog (what exit() and a crashed `cli; for(;;)`
//     do): nothing can ever happen again, the run ends at once;
//   - a hang: a jump-to-self still spinning at the end (a `while (true) {}`); or setup() never returned:
//     the first loop() never completed (found by symbol in the .elf: loop() or serialEventRun(), which
//     Arduino's main() calls after every loop(); without either symbol this check is skipped and said so)
//     while the main program went round a tight loop (PC within 16 bytes, interrupts aside) for the last
//     second or half the run. A first loop() that is merely long is a note, not a failure.
import {
  AVRADC,
  AVRClock,
  AVRIOPort,
  AVRSPI,
  AVRTimer,
  AVRUSART,
  AVRWatchdog,
  CPU,
  adcConfig,
  avrInstruction,
  clockConfig,
  portBConfig,
  portCConfig,
  portDConfig,
  spiConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  usart0Config,
  watchdogConfig,
} from 'avr8js';
import { elfFunctions, functionAt, loopMarker } from './elf-symbols';
import { parseIntelHex } from './intel-hex';
import { ClockedDecoder, ColorOrder, OneWireDecoder, Strip } from './led-decoders';
import { mcuProfile } from './mcu';

export interface AvrRunOptions {
  hexText: string;
  hexFile?: string;
  elf?: Uint8Array;
  mcu: string;
  clockHz: number;
  simulatedMs: number;
  /** Wire order of one-wire strips (default GRB). */
  order?: ColorOrder;
  /** Clocked strip on bit-banged pins (Arduino pin numbers); the hardware SPI is always decoded. */
  clocked?: { data: number; clock: number; order?: ColorOrder };
  leds?: number;
  /** Only these Arduino pins are decoded as one-wire strips (default: every pin). */
  pins?: number[];
  maxSerialBytes?: number;
}

export type FailureKind = 'reset' | 'reset-loop' | 'halt' | 'hang' | 'setup-never-returned' | 'crash' | 'exit' | 'unsupported';

export interface Failure {
  kind: FailureKind;
  atMs: number;
  message: string;
}

export interface RunResult {
  ok: boolean;
  failure?: Failure;
  /** Things worth knowing that are not failures (e.g. no loop() symbol to check setup() against). */
  notes: string[];
  serial: string;
  strips: Strip[];
  simulatedMs: number;
  cycles: number;
  /** When loop() was first reached, if the firmware has a symbol to tell. */
  loopAtMs?: number;
  wallMs: number;
}

const PORTS = { B: portBConfig, C: portCConfig, D: portDConfig };
/** ATmega328P port bits to Arduino Uno pin numbers (D0-7 = PD0-7, D8-13 = PB0-5, A0-5 = D14-19 = PC0-5). */
const ARDUINO_PIN: Record<'B' | 'C' | 'D', number[]> = {
  D: [0, 1, 2, 3, 4, 5, 6, 7],
  B: [8, 9, 10, 11, 12, 13, -1, -1],
  C: [14, 15, 16, 17, 18, 19, -1, -1],
};
const MCUSR = 0x54;
const WDRF = 0x08;
const SREG_I = 0x80;

export function pinName(pin: number): string {
  return pin >= 14 ? `A${pin - 14}` : `D${pin}`;
}

export function runAvr(o: AvrRunOptions): RunResult {
  const started = process.hrtime.bigint();
  const profile = mcuProfile(o.mcu);
  const notes: string[] = [];
  const wall = () => Number(process.hrtime.bigint() - started) / 1e6;
  if ('unsupported' in profile) {
    return {
      ok: false,
      failure: { kind: 'unsupported', atMs: 0, message: profile.unsupported },
      notes,
      serial: '',
      strips: [],
      simulatedMs: 0,
      cycles: 0,
      wallMs: wall(),
    };
  }
  const flash = parseIntelHex(o.hexText, profile.flashBytes, o.hexFile);
  const cpu = new CPU(new Uint16Array(flash.buffer), profile.sramBytes);
  const clock = new AVRClock(cpu, o.clockHz, clockConfig);
  new AVRTimer(cpu, timer0Config);
  new AVRTimer(cpu, timer1Config);
  new AVRTimer(cpu, timer2Config);
  new AVRADC(cpu, adcConfig);
  const watchdog = new AVRWatchdog(cpu, watchdogConfig, clock);
  const usart = new AVRUSART(cpu, usart0Config, o.clockHz);
  const spi = new AVRSPI(cpu, spiConfig, o.clockHz);
  const maxSerial = o.maxSerialBytes ?? 256 * 1024;
  const serial: number[] = [];
  let serialDropped = 0;
  usart.onByteTransmit = (b) => {
    if (serial.length < maxSerial) serial.push(b);
    else serialDropped++;
  };
  const order = o.order ?? 'GRB';
  const spiDecoder = new ClockedDecoder(o.clockHz, o.clocked?.order ?? 'BGR', o.leds);
  spi.onByte = (b) => {
    spiDecoder.byte(b, cpu.cycles);
    cpu.addClockEvent(() => spi.completeTransfer(0xff), spi.transferCycles);
  };
  const decoders = new Map<number, OneWireDecoder>();
  const bitBang = o.clocked ? new ClockedDecoder(o.clockHz, o.clocked.order ?? 'BGR', o.leds) : undefined;
  let dataLevel = false;
  for (const letter of profile.ports) {
    const port = new AVRIOPort(cpu, PORTS[letter]);
    const pins = ARDUINO_PIN[letter];
    port.addListener((value, old) => {
      const changed = value ^ old;
      if (!changed) return;
      for (let bit = 0; bit < 8; bit++) {
        if (!(changed & (1 << bit))) continue;
        const pin = pins[bit];
        if (pin < 0) continue;
        const level = (value & (1 << bit)) !== 0;
        if (bitBang && o.clocked) {
          if (pin === o.clocked.data) dataLevel = level;
          if (pin === o.clocked.clock) bitBang.clockEdge(level, dataLevel, cpu.cycles);
          if (pin === o.clocked.data || pin === o.clocked.clock) continue;
        }
        if (o.pins && !o.pins.includes(pin)) continue;
        let d = decoders.get(pin);
        if (!d) decoders.set(pin, (d = new OneWireDecoder({ clockHz: o.clockHz }, order, o.leds)));
        d.edge(level, cpu.cycles);
      }
    });
  }

  const functions = o.elf ? elfFunctions(o.elf) : [];
  const where = (wordPc: number) => {
    const fn = functionAt(functions, wordPc * 2);
    return `PC 0x${(wordPc * 2).toString(16)}${fn ? ` (in ${fn})` : ''}`;
  };
  const marker = loopMarker(functions);
  if (!marker)
    notes.push(
      o.elf
        ? 'no loop() or serialEventRun() symbol in the .elf: whether setup() returned is not checked'
        : 'no .elf given: whether setup() returned is not checked',
    );
  const loopPc = marker ? marker.address / 2 : -1;
  const ms = (cycles: number) => Math.round((cycles / o.clockHz) * 1e6) / 1e3;

  const end = Math.round((o.simulatedMs / 1000) * o.clockHz);
  let failure: Failure | undefined;
  let loopAt = -1;
  const resets: { at: number; cause: string }[] = [];
  let prev = -1;
  let spinPc = -1;
  let spinSince = 0;
  let spinLast = 0;
  // A tight loop in the main program (interrupts on, PC within TIGHT bytes), e.g. polling a flag nothing sets.
  const TIGHT = 16;
  let tightLo = 0;
  let tightHi = -1;
  let tightSince = 0;
  let nextFlush = 0;
  // Cycles spent with interrupts off (inside interrupt handlers, mostly): says why a main program starves.
  let cliCycles = 0;
  const flushEvery = Math.round(o.clockHz / 100);
  while (cpu.cycles < end) {
    const before = cpu.cycles;
    avrInstruction(cpu);
    cpu.tick();
    if (!(cpu.data[95] & SREG_I)) cliCycles += cpu.cycles - before;
    const pc = cpu.pc;
    if (pc === prev) {
      // A jump to itself: an endless loop unless an interrupt or the watchdog gets it out.
      if (pc !== spinPc || cpu.cycles - spinLast > o.clockHz / 10) {
        spinPc = pc;
        spinSince = cpu.cycles;
      }
      spinLast = cpu.cycles;
      if (!(cpu.data[95] & SREG_I) && !watchdog.enabled) {
        failure = {
          kind: 'halt',
          atMs: ms(cpu.cycles),
          message: `halted at ${ms(cpu.cycles)} ms: an endless loop at ${where(pc)} with interrupts off and no watchdog (exit(), abort() or a crash handler); nothing can run after it`,
        };
        break;
      }
    } else if (pc === 0) {
      const watchdogReset = (cpu.data[MCUSR] & WDRF) !== 0;
      cpu.data[MCUSR] &= ~WDRF;
      resets.push({
        at: cpu.cycles,
        cause: watchdogReset
          ? 'the watchdog reset the MCU'
          : `a jump to address 0 from ${where(prev)} (a null function pointer, a corrupted return address or a stack overflow)`,
      });
      if (resets.length >= 3) break;
    } else if (pc === loopPc && loopAt < 0) loopAt = cpu.cycles;
    if (cpu.data[95] & SREG_I) {
      // Interrupt handlers run with I clear: only the main program's PC moves the window.
      if (pc < tightLo || pc > tightHi) {
        const lo = Math.min(pc, tightLo);
        const hi = Math.max(pc, tightHi);
        if (tightHi < 0 || hi - lo > TIGHT / 2) {
          tightLo = tightHi = pc;
          tightSince = cpu.cycles;
        } else {
          tightLo = lo;
          tightHi = hi;
        }
      }
    }
    prev = pc;
    if (cpu.cycles >= nextFlush) {
      nextFlush = cpu.cycles + flushEvery;
      for (const d of decoders.values()) d.flush(cpu.cycles);
    }
  }
  for (const d of decoders.values()) d.flush(Infinity);
  spiDecoder.flush();
  bitBang?.flush();

  if (!failure && resets.length) {
    const first = resets[0];
    failure =
      resets.length >= 3
        ? {
            kind: 'reset-loop',
            atMs: ms(resets[2].at),
            message: `reset loop: ${resets.length} resets by ${ms(resets[2].at)} ms; the first at ${ms(first.at)} ms: ${first.cause}`,
          }
        : { kind: 'reset', atMs: ms(first.at), message: `reset at ${ms(first.at)} ms: ${first.cause}` };
  }
  if (!failure && spinPc >= 0 && cpu.cycles - spinLast < o.clockHz / 10) {
    failure = {
      kind: 'hang',
      atMs: ms(spinSince),
      message: `hang: spinning in an endless loop at ${where(spinPc)} from ${ms(spinSince)} ms to the end of the run (${ms(cpu.cycles)} ms)${loopPc >= 0 && loopAt < 0 ? '; setup() never returned' : ''}`,
    };
  }
  const busy = () => {
    const pct = Math.round((100 * cliCycles) / Math.max(1, cpu.cycles));
    return pct >= 50 ? `; ${pct}% of all cycles ran with interrupts off (in interrupt handlers): the main program was starved` : '';
  };
  if (!failure && loopPc >= 0 && loopAt < 0) {
    // loop() never came back: a hang only if the main program is going round a tight loop (a long loop(),
    // such as FirstLight's 6 s sweep, or a firmware busy in interrupts, is not one).
    const tightFor = cpu.cycles - tightSince;
    if (tightHi >= 0 && tightFor >= Math.min(o.clockHz, cpu.cycles / 2)) {
      failure = {
        kind: 'setup-never-returned',
        atMs: ms(tightSince),
        message: `setup() never returned in ${ms(cpu.cycles)} ms of simulated time (${marker!.name} was never reached): from ${ms(tightSince)} ms the program went round a tight loop at ${where(tightLo)}..0x${(tightHi * 2).toString(16)}, polling something that never changed${busy()}`,
      };
    } else {
      notes.push(
        `${marker!.name} was never reached in ${ms(cpu.cycles)} ms: the first loop() did not complete (a long loop() or setup(), or a program kept busy by interrupts); the CPU was at ${where(cpu.pc)}${busy()}`,
      );
    }
  }
  if (serialDropped) notes.push(`serial output cut at ${maxSerial} bytes (${serialDropped} more bytes not kept)`);

  const strips: Strip[] = [];
  for (const [pin, d] of [...decoders].sort((a, b) => a[0] - b[0])) {
    if (d.frames.length) strips.push({ pin: pinName(pin), chipset: 'ws2812', order, frames: d.frames });
  }
  if (spiDecoder.frames.length) strips.push({ pin: 'SPI', chipset: 'apa102', order: o.clocked?.order ?? 'BGR', frames: spiDecoder.frames });
  if (bitBang?.frames.length)
    strips.push({ pin: pinName(o.clocked!.data), chipset: 'apa102', order: o.clocked!.order ?? 'BGR', frames: bitBang.frames });

  return {
    ok: !failure,
    ...(failure ? { failure } : {}),
    notes,
    serial: Buffer.from(serial).toString('utf8'),
    strips,
    simulatedMs: ms(cpu.cycles),
    cycles: cpu.cycles,
    ...(loopAt >= 0 ? { loopAtMs: ms(loopAt) } : {}),
    wallMs: wall(),
  };
}
