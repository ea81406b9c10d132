// Debian's arduino-builder 1.3.25 (the Arduino IDE 1.8.19 build engine) as the independent size oracle of the
// benchmarks and the library reference build: one argument list, so both compare against the same recipe.
// See /work/shared/notes/uno-recipe.md for why each setting is there.

export interface ArduinoBuilderJob {
  fqbn: string;
  /** A folder of libraries (`-libraries`). */
  libraries: string;
  buildPath: string;
  /** arduino-builder's core cache (`-build-cache`). */
  cache: string;
  sketch: string;
}

/** The `arduino-builder` arguments for one sketch. */
export function arduinoBuilderArgs(job: ArduinoBuilderJob): string[] {
  return [
    '-compile',
    // The IDE version nx-fastled's Arduino recipes define (ARDUINO=10819).
    '-ide-version',
    '10819',
    '-hardware',
    '/usr/share/arduino/hardware',
    '-hardware',
    '/usr/share/arduino-builder',
    '-tools',
    '/usr/bin',
    '-libraries',
    job.libraries,
    '-fqbn',
    job.fqbn,
    // Debian's core 1.8.7 needs DECIMAL_DIG for C++.
    '-prefs',
    'compiler.cpp.extra_flags=-DDECIMAL_DIG=__DECIMAL_DIG__',
    '-build-path',
    job.buildPath,
    '-build-cache',
    job.cache,
    job.sketch,
  ];
}

/** Flash and RAM from arduino-builder's size lines. */
export function builderSizes(text: string): { flash?: number; ram?: number } {
  const flash = /^Sketch uses (\d+) bytes/m.exec(text)?.[1];
  const ram = /^Global variables use (\d+) bytes/m.exec(text)?.[1];
  return { ...(flash ? { flash: Number(flash) } : {}), ...(ram ? { ram: Number(ram) } : {}) };
}
