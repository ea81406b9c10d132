// Running examples and reading what their LEDs showed: AVR firmware in avr8js, native programs on the host.
export * from './avr-sim';
export * from './elf-symbols';
export * from './frames-file';
export * from './intel-hex';
export * from './led-decoders';
export * from './mcu';
export * from './native-run';
export * from './overrides';

/** The simulator's identity in task keys and frames files (bump when decoding or detection changes). */
export const AVR_RUNNER = 'avr8js 0.21.1 / nx-fastled sim 1';
