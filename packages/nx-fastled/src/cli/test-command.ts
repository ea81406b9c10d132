// `test`: run one example (or a batch of them, in this one process) and write its frames file.
//
//   nx-fastled-task test --board uno --runner avr --mcu atmega328p --clock 16000000 --ms 5000
//        --firmware <X.hex> [--elf <X.elf>] --out <X.frames.json> [--order GRB] [--pins 5,6] [--leds N]
//        [--clocked <data>,<clock>]
//   nx-fastled-task test --board native --runner native --loops 5 --wall-ms 20000 [--untimed]
//        --program <X.elf> --out <X.frames.json>
//   nx-fastled-task test --jobs <jobs.json>     (a JSON array of the flag sets above, as objects; one process)
//
// The frames file (sim/frames-file.ts) is written, through a temporary name, whether or not the run failed:
// the report shows what a failing example did. A failure exits 1 with one line per example saying what
// happened and when.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { avrFramesFile, AVR_RUNNER, ColorOrder, FramesFile, runAvr, runNative, serializeFrames } from '../sim';
import { defineCommand, parseCommand, UsageError } from '../util/args';
import { writeAtomic } from '../util/atomic';

export type TestJob = Record<string, string>;

export interface TestOutcome {
  out: string;
  file: FramesFile;
  /** Simulated clock cycles (AVR) and wall time of the run itself, for benchmarks. */
  cycles: number;
  wallMs: number;
}

const ints = (v: string | undefined) => (v ? v.split(',').map(Number) : undefined);

/**
 * Runs one job. Its paths are relative to `root` (the workspace root; a worker thread cannot chdir) and stay
 * relative in what it reports.
 */
export function runTestJob(job: TestJob, root = '.'): TestOutcome {
  const at = (file: string) => path.resolve(root, file);
  const need = (k: string) => {
    const v = job[k];
    if (v === undefined || v === '') throw new UsageError(`nx-fastled-task test: --${k} is required`);
    return v;
  };
  const board = need('board');
  const out = need('out');
  const started = process.hrtime.bigint();
  let file: FramesFile;
  let cycles = 0;
  if (need('runner') === 'avr') {
    const hex = need('firmware');
    const settings: FramesFile['settings'] = { mcu: need('mcu'), clockHz: Number(need('clock')), simulatedMs: Number(need('ms')) };
    const clocked = ints(job.clocked);
    for (const k of ['order', 'pins', 'leds', 'clocked'] as const)
      if (job[k]) settings[k] = k === 'order' ? job[k] : k === 'leds' ? Number(job[k]) : ints(job[k])!;
    const r = runAvr({
      hexText: fs.readFileSync(at(hex), 'utf8'),
      hexFile: hex,
      elf: job.elf && fs.existsSync(at(job.elf)) ? fs.readFileSync(at(job.elf)) : undefined,
      mcu: settings.mcu as string,
      clockHz: settings.clockHz as number,
      simulatedMs: settings.simulatedMs as number,
      order: job.order as ColorOrder | undefined,
      pins: ints(job.pins),
      leds: job.leds ? Number(job.leds) : undefined,
      clocked: clocked ? { data: clocked[0], clock: clocked[1], order: job.order as ColorOrder | undefined } : undefined,
    });
    cycles = r.cycles;
    file = avrFramesFile(board, AVR_RUNNER, settings, r);
  } else if (job.runner === 'native') {
    const loops = Number(job.loops ?? 5);
    const wallLimitMs = Number(job['wall-ms'] ?? 20000);
    file = runNative({ program: need('program'), cwd: root, loops, wallLimitMs, timed: !job.untimed }, board, { loops, wallLimitMs });
  } else throw new UsageError(`nx-fastled-task test: --runner must be avr or native, not "${job.runner}"`);
  writeAtomic(at(out), serializeFrames(file));
  return { out, file, cycles, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

export function describeOutcome(o: TestOutcome): string {
  const f = o.file;
  const frames = f.strips.map((s) => `${s.frames.length} frames of ${s.leds} LEDs on ${s.pin}`).join(', ') || 'no LED frames';
  const lines = (f.serial + f.stderr).split('\n').filter((l) => l.trim()).length;
  return `${o.out}: ${f.ok ? 'ok' : 'FAILED'}${f.ranMs !== null ? ` (${f.ranMs} ms simulated)` : ''}; ${frames}; ${lines} serial lines${f.failure ? `\n  ${f.failure.message}` : ''}`;
}

const text = (description: string) => ({ type: 'string', description }) as const;

export const TEST_COMMAND = defineCommand({
  command: 'nx-fastled-task test',
  usage:
    '--board <b> --runner avr --mcu <mcu> --clock <hz> --ms <ms> --firmware <X.hex> [--elf <X.elf>] --out <X.frames.json> ' +
    '[--order GRB] [--pins 5,6] [--leds N] [--clocked <data>,<clock>] | --board <b> --runner native --loops <n> ' +
    '--wall-ms <ms> [--untimed] --program <X.elf> --out <X.frames.json> | --jobs <jobs.json>',
  about:
    'Runs an example (AVR firmware in the simulator, a native program on the host) and writes its frames file. ' +
    'With --jobs, runs a JSON array of such flag sets (as objects) in this one process.',
  options: {
    board: text('board name'),
    runner: text('avr or native'),
    mcu: text('AVR: the microcontroller'),
    clock: text('AVR: clock in Hz'),
    ms: text('AVR: simulated milliseconds'),
    firmware: text('AVR: the .hex'),
    elf: text('AVR: the .elf (symbols for messages)'),
    order: text('LED color order'),
    pins: text('LED data pins, comma-separated'),
    leds: text('LED count'),
    clocked: text('clocked LEDs: <data pin>,<clock pin>'),
    loops: text('native: loop() calls'),
    'wall-ms': text('native: wall-clock limit'),
    untimed: { type: 'boolean', description: 'native: no timing (profile builds)' },
    program: text('native: the program'),
    out: text('the frames file to write'),
    jobs: text('a JSON array of flag sets, as objects'),
  },
  maxPositionals: 0,
});

export function runTest(argv: string[]): void {
  const args = parseCommand(TEST_COMMAND, argv);
  if (!args) return;
  const { jobs: jobsFile, untimed, ...flags } = args.values;
  const jobs: TestJob[] = jobsFile
    ? (JSON.parse(fs.readFileSync(jobsFile, 'utf8')) as TestJob[])
    : [{ ...(flags as Record<string, string>), ...(untimed ? { untimed: '1' } : {}) }];
  let failed = 0;
  for (const job of jobs) {
    let outcome: TestOutcome;
    try {
      outcome = runTestJob(job);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      failed++;
      process.stderr.write(
        `nx-fastled: test of ${job.firmware ?? job.program ?? '?'} for ${job.board ?? '?'} could not run: ${(e as Error).message}\n`,
      );
      continue;
    }
    const text = describeOutcome(outcome);
    if (outcome.file.ok) process.stdout.write(`${text}\n`);
    else {
      failed++;
      process.stderr.write(`nx-fastled: ${text}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}
