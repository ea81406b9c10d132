// Which AVR MCUs the simulator can run, and why the others cannot. avr8js models the ATmega328P family's
// peripherals (ports B/C/D, timers 0-2, USART0, SPI, watchdog) at that family's register addresses and
// interrupt vectors; an MCU whose peripherals sit elsewhere would run but never see a timer tick or a
// serial byte, which is worse than saying it is not supported.

export interface McuProfile {
  mcu: string;
  flashBytes: number;
  sramBytes: number;
  /** Port letters whose pins are watched for LED data. */
  ports: ('B' | 'C' | 'D')[];
}

const PROFILES: Record<string, McuProfile> = {
  atmega328p: { mcu: 'atmega328p', flashBytes: 32768, sramBytes: 2048, ports: ['B', 'C', 'D'] },
  atmega328: { mcu: 'atmega328', flashBytes: 32768, sramBytes: 2048, ports: ['B', 'C', 'D'] },
  atmega168: { mcu: 'atmega168', flashBytes: 16384, sramBytes: 1024, ports: ['B', 'C', 'D'] },
};

const WHY_NOT: Record<string, string> = {
  atmega2560:
    "the Mega's timers, USARTs and interrupt vectors sit at other addresses than avr8js's 328P models, and its 256 KB flash needs a 3-byte PC; not wired up yet",
  atmega1280: 'same as the ATmega2560 (Mega): other peripheral addresses and vectors; not wired up yet',
  atmega32u4: "its Serial is USB CDC, which avr8js does not emulate (no serial output), and its timers differ from the 328P's",
};

export function mcuProfile(mcu: string): McuProfile | { unsupported: string } {
  const p = PROFILES[mcu.toLowerCase()];
  if (p) return p;
  const why = WHY_NOT[mcu.toLowerCase()] ?? "avr8js models only the ATmega328P family's peripherals";
  return { unsupported: `MCU ${mcu} cannot be simulated: ${why}. Simulated MCUs: ${Object.keys(PROFILES).join(', ')}.` };
}

/** `-mmcu=` and `-DF_CPU=` from a board's compile flags: the simulator runs what the firmware was built for. */
export function mcuFromFlags(flags: string[]): { mcu: string; clockHz: number } | undefined {
  const mcu = flags.map((f) => /^-mmcu=(\S+)$/.exec(f)?.[1]).find(Boolean);
  const clock = flags.map((f) => /^-DF_CPU=(\d+)L?U?L?$/.exec(f)?.[1]).find(Boolean);
  return mcu && clock ? { mcu, clockHz: Number(clock) } : undefined;
}
