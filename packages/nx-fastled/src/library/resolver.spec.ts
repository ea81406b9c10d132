// arduino-cli's library resolution rules (priority, ties, the detector's loop) on small made-up libraries,
// and library.properties fields; no compiler involved.
import * as path from 'node:path';
import { libraryFields } from './library-fields';
import { loadLibrariesDir } from './external';
import { closestName, computePriority, HeaderIndex, LibraryCandidate, resolveHeader } from './resolver';
import { incompatible, libraryClosure, resolveUnits } from './resolution';
import { missingDependencies, missingDependencyMessage, missingHeaderMessage } from './messages';

const lib = (name: string, o: Partial<LibraryCandidate> = {}): LibraryCandidate => ({
  key: o.key ?? `${o.location ?? 'workspace'}:${name}`,
  name,
  dirName: o.dirName ?? name,
  location: o.location ?? 'workspace',
  architectures: o.architectures ?? ['*'],
  headers: o.headers ?? [`${name}.h`],
});

describe('library.properties fields', () => {
  it('reads architectures, depends, precompiled, dot_a_linkage, includes as arduino-cli does', () => {
    const f = libraryFields(
      new Map([
        ['architectures', 'avr, megaavr'],
        ['depends', 'Adafruit BusIO, Foo (>=1.2.0),Bar'],
        ['precompiled', 'full'],
        ['dot_a_linkage', 'true'],
        ['includes', 'A.h, B.h'],
      ]),
    );
    expect(f).toEqual({
      architectures: ['avr', 'megaavr'],
      depends: [
        { name: 'Adafruit BusIO', version: '' },
        { name: 'Foo', version: '>=1.2.0' },
        { name: 'Bar', version: '' },
      ],
      precompiled: 'full',
      dotALinkage: true,
      includes: ['A.h', 'B.h'],
      ldflags: '',
    });
    expect(libraryFields({}).architectures).toEqual(['*']);
    expect(libraryFields({ precompiled: 'yes', dot_a_linkage: 'false' })).toMatchObject({ precompiled: false, dotALinkage: false });
  });
});

describe('computePriority (librariesresolver/cpp.go)', () => {
  it('scores architecture, name match and location', () => {
    expect(computePriority(lib('Servo', { architectures: ['avr'] }), 'Servo.h', 'avr')).toBe(1010 + 700 + 10000);
    expect(computePriority(lib('Servo', { architectures: ['sam'] }), 'Servo.h', 'avr')).toBe(0 + 700 + 10000);
    expect(computePriority(lib('Servo', { location: 'platform' }), 'Servo.h', 'avr')).toBe(1000 + 700 + 2);
    expect(
      computePriority(lib('Adafruit GFX Library', { dirName: 'Adafruit_GFX_Library', location: 'sketchbook' }), 'Adafruit_GFX.h', 'avr'),
    ).toBe(1000 + 300 + 3);
    expect(computePriority(lib('x', { dirName: 'servo-master', location: 'sketchbook' }), 'Servo.h', 'avr')).toBe(1000 + 400 + 3);
    expect(computePriority(lib('MyServo', { location: 'sketchbook' }), 'Servo.h', 'avr')).toBe(1000 + 200 + 3);
    expect(computePriority(lib('Other', { location: 'builtin' }), 'Servo.h', 'avr')).toBe(1000);
  });
});

describe('resolveHeader', () => {
  it('prefers the workspace over the platform, like arduino-cli --library', () => {
    const index = new HeaderIndex([lib('Wire', { location: 'platform', architectures: ['avr'] }), lib('MyWire', { headers: ['Wire.h'] })]);
    const c = resolveHeader('Wire.h', 'avr', index)!;
    expect(c.chosen.name).toBe('MyWire');
    expect(c.alternatives.map((a) => a.lib.name)).toEqual(['MyWire', 'Wire']);
  });

  it('prefers a library made for the architecture among equals', () => {
    const index = new HeaderIndex([lib('Servo', { key: 'a', architectures: ['*'] }), lib('Servo', { key: 'b', architectures: ['avr'] })]);
    expect(resolveHeader('Servo.h', 'avr', index)!.chosen.key).toBe('b');
    expect(resolveHeader('Servo.h', 'native', index)!.chosen.key).toBe('a');
    // The name outweighs the architecture: a folder named differently loses 100 against 10.
    const renamed = new HeaderIndex([lib('Servo', { key: 'a' }), lib('Servo', { key: 'b', dirName: 'Servo2', architectures: ['avr'] })]);
    expect(resolveHeader('Servo.h', 'avr', renamed)!.chosen.key).toBe('a');
  });

  it('prefers the folder named like the header, then the closest name', () => {
    const index = new HeaderIndex([
      lib('Display Driver', { dirName: 'Display_Driver', headers: ['Display.h'] }),
      lib('Display', { dirName: 'Display', headers: ['Display.h'] }),
    ]);
    expect(resolveHeader('Display.h', 'avr', index)!.chosen.name).toBe('Display');
    // Same priority (both "start with" the header): closestmatch on the names decides.
    const tie = new HeaderIndex([lib('sensorkit extra', { headers: ['Sensor.h'] }), lib('sensorx', { headers: ['Sensor.h'] })]);
    const choice = resolveHeader('Sensor.h', 'avr', tie)!;
    expect(choice.rule).toBe('closest-name');
    expect(choice.chosen.name).toBe('sensorx');
  });

  it('returns undefined when nobody offers the header', () => {
    expect(resolveHeader('Nope.h', 'avr', new HeaderIndex([lib('A')]))).toBeUndefined();
  });

  it('closestName scores bigrams weighted by rarity and name length', () => {
    expect(closestName('abc.h', [lib('xyz'), lib('abq'), lib('ab')])!.name).toBe('ab');
  });
});

/** A probe simulating gcc -M -MG: a unit includes headers; a header found in a library includes more. */
function probeFor(unitIncludes: string[], libIncludes: Record<string, string[]>): (imported: readonly LibraryCandidate[]) => string[] {
  return (imported) => {
    const missing: string[] = [];
    const seen = new Set<string>();
    const visit = (h: string) => {
      if (seen.has(h)) return;
      seen.add(h);
      const provider = imported.find((l) => l.headers.includes(h));
      if (!provider) {
        missing.push(h);
        return;
      }
      (libIncludes[h] ?? []).forEach(visit);
    };
    unitIncludes.forEach(visit);
    return missing;
  };
}

describe('resolveUnits (the detector loop)', () => {
  const A = lib('A', { headers: ['A.h'] });
  const B = lib('B', { headers: ['B.h'] });
  const Wire = lib('Wire', { location: 'platform', architectures: ['avr'] });
  const index = new HeaderIndex([A, B, Wire]);
  const includes = { 'A.h': ['B.h'], 'B.h': ['Wire.h'] };

  it('follows a chain until nothing new is missing', () => {
    const r = resolveUnits([], 'avr', index, [probeFor(['A.h'], includes)]);
    expect(r.libraries.map((l) => l.name)).toEqual(['A', 'B', 'Wire']);
    expect(r.unresolved).toEqual([]);
    expect(incompatible(r.libraries, 'native').map((l) => l.name)).toEqual(['Wire']);
  });

  it('starts from the libraries already on the path and shares them across units', () => {
    const r = resolveUnits([A], 'avr', index, [probeFor(['A.h'], includes), probeFor(['Wire.h'], {})]);
    expect(r.libraries.map((l) => l.name)).toEqual(['B', 'Wire']);
  });

  it('reports headers nobody offers, with what to do', () => {
    const r = resolveUnits([], 'avr', index, [probeFor(['A.h', 'Ghost.h'], includes)]);
    expect(r.unresolved).toEqual([{ header: 'Ghost.h', reason: 'none', offeredBy: [] }]);
    const msg = missingHeaderMessage(r.unresolved[0], { board: 'uno', arch: 'avr' });
    expect(msg).toContain('Ghost.h: no library available');
    expect(msg).toContain('arduino-cli lib install "Ghost"');
    expect(msg).toContain('"sketchbook" option');
  });

  it('libraryClosure walks library dependencies transitively, once each', () => {
    const deps = new Map([
      [A, [B]],
      [B, [Wire, A]],
    ]);
    expect(libraryClosure([A], (l) => deps.get(l) ?? []).map((l) => l.name)).toEqual(['A', 'B', 'Wire']);
  });
});

describe('depends= and external libraries', () => {
  it('names a missing dependency and how to get it', () => {
    const index = new HeaderIndex([lib('A')]);
    const missing = missingDependencies(
      [
        { name: 'A', version: '' },
        { name: 'Adafruit BusIO', version: '>=1.0' },
      ],
      index,
    );
    expect(missing).toEqual([{ name: 'Adafruit BusIO', version: '>=1.0' }]);
    const msg = missingDependencyMessage('Adafruit GFX Library', missing[0], { board: 'uno', arch: 'avr', sketchbook: '/home/me/Arduino' });
    expect(msg).toContain('depends on Adafruit BusIO (>=1.0)');
    expect(msg).toContain('arduino-cli lib install "Adafruit BusIO"');
  });

  it('loads a platform libraries folder: recursive, flat with utility/, legacy, and precompiled archives', () => {
    const libs = loadLibrariesDir(path.join(__dirname, '../../test/fixtures/platform/libraries'), 'platform');
    expect(libs.map((l) => [l.dirName, l.name, l.layout, l.includeDir, l.sources, l.headers, l.archives])).toEqual([
      ['Flat', 'Flat', '1.0', '.', ['Flat.cpp', 'utility/helper.c'], ['Flat.h'], []],
      ['Legacy', 'Legacy', '1.0', '.', ['Legacy.cpp'], ['Legacy.h'], []],
      ['Rec', 'Recursive Lib', '1.5', 'src', ['src/Rec.cpp', 'src/avr/RecAvr.cpp'], ['Rec.h', 'RecExtra.hpp'], ['src/atmega328p/librec.a']],
    ]);
    expect(libs[2].fields.architectures).toEqual(['avr']);
  });
});
