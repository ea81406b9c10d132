// Installed Arduino platforms and tools, found where the Arduino tools put them.
//
// A platform is a `<vendor>/<arch>` folder holding `boards.txt` (and usually `platform.txt`). Searched, first
// hit per vendor:arch wins (the others are listed as shadowed), in this order:
//   1. explicit `hardware` folders (plugin option `hardware`, then NX_FASTLED_HARDWARE, colon-separated), each a
//      folder of `<vendor>/<arch>` like the IDE's `hardware/`;
//   2. the sketchbook's `hardware/` (`$ARDUINO_DIRECTORIES_USER` or `~/Arduino`);
//   3. arduino-cli/IDE 2 installs: `<data>/packages/<vendor>/hardware/<arch>/<version>` (newest version), with
//      tools in `<data>/packages/<vendor>/tools/<name>/<version>` (`$ARDUINO_DIRECTORIES_DATA` or `~/.arduino15`);
//   4. Debian's `/usr/share/arduino/hardware` (package arduino-core-avr);
//   5. PlatformIO's `~/.platformio/packages/framework-arduino-<arch>` (vendor `arduino`), its toolchain package
//      `toolchain-atmelavr` standing for the `avr-gcc` tool.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDirectory } from '../util/files';

export interface InstalledPlatform {
  vendor: string;
  arch: string;
  /** Absolute folder holding boards.txt: `runtime.platform.path`. */
  dir: string;
  version: string;
  /** Where it was found, for messages and `nx show project`. */
  source: string;
}

export interface InstalledTool {
  vendor: string;
  name: string;
  version: string;
  dir: string;
}

export interface Installation {
  platforms: InstalledPlatform[];
  /** Platforms found again later in the search order, hidden by the first one. */
  shadowed: InstalledPlatform[];
  tools: InstalledTool[];
  /** Every folder looked in, in order. */
  searched: string[];
}

export interface DiscoverInput {
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Plugin option `hardware`: absolute folders of `<vendor>/<arch>` platforms. */
  hardwareDirs?: string[];
  /** Debian's hardware folder (a parameter so tests can stand in for it). */
  systemHardwareDir?: string;
}

const DEBIAN_HARDWARE = '/usr/share/arduino/hardware';

function dirs(p: string): string[] {
  try {
    return fs
      .readdirSync(p, { withFileTypes: true })
      .filter((e) => e.isDirectory() || (e.isSymbolicLink() && isDirectory(path.join(p, e.name))))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Version strings compared numerically part by part (`1.8.10` > `1.8.9`), the rest as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function platformVersion(dir: string, fallback: string): string {
  try {
    const m = /^version=(.*)$/m.exec(fs.readFileSync(path.join(dir, 'platform.txt'), 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // no platform.txt: a boards.txt-only platform
  }
  return fallback;
}

export function discoverPlatforms(input: DiscoverInput): Installation {
  const found: InstalledPlatform[] = [];
  const tools: InstalledTool[] = [];
  const searched: string[] = [];
  const hardwareFolder = (root: string, source: string) => {
    searched.push(root);
    for (const vendor of dirs(root)) {
      for (const arch of dirs(path.join(root, vendor))) {
        const dir = path.join(root, vendor, arch);
        if (fs.existsSync(path.join(dir, 'boards.txt'))) found.push({ vendor, arch, dir, version: platformVersion(dir, ''), source });
      }
    }
  };
  const explicit = [...(input.hardwareDirs ?? []), ...(input.env.NX_FASTLED_HARDWARE ?? '').split(':').filter(Boolean)];
  for (const d of explicit) hardwareFolder(d, `hardware folder ${d}`);
  const user = input.env.ARDUINO_DIRECTORIES_USER ?? path.join(input.homeDir, 'Arduino');
  hardwareFolder(path.join(user, 'hardware'), 'the sketchbook (hardware/)');

  const data = input.env.ARDUINO_DIRECTORIES_DATA ?? path.join(input.homeDir, '.arduino15');
  const packages = path.join(data, 'packages');
  searched.push(packages);
  for (const vendor of dirs(packages)) {
    for (const arch of dirs(path.join(packages, vendor, 'hardware'))) {
      const versions = dirs(path.join(packages, vendor, 'hardware', arch))
        .filter((v) => fs.existsSync(path.join(packages, vendor, 'hardware', arch, v, 'boards.txt')))
        .sort(compareVersions);
      // Newest first: arduino-cli builds with the newest installed release.
      for (const v of versions.reverse()) {
        const dir = path.join(packages, vendor, 'hardware', arch, v);
        found.push({ vendor, arch, dir, version: platformVersion(dir, v), source: `arduino-cli (${path.join(data, 'packages')})` });
      }
    }
    for (const name of dirs(path.join(packages, vendor, 'tools'))) {
      for (const version of dirs(path.join(packages, vendor, 'tools', name)).sort(compareVersions)) {
        tools.push({ vendor, name, version, dir: path.join(packages, vendor, 'tools', name, version) });
      }
    }
  }
  hardwareFolder(input.systemHardwareDir ?? DEBIAN_HARDWARE, `Debian (${input.systemHardwareDir ?? DEBIAN_HARDWARE})`);

  const pio = path.join(input.env.PLATFORMIO_CORE_DIR ?? path.join(input.homeDir, '.platformio'), 'packages');
  searched.push(pio);
  for (const name of dirs(pio)) {
    const m = /^framework-arduino-([a-z0-9]+)$/.exec(name);
    if (m && fs.existsSync(path.join(pio, name, 'boards.txt'))) {
      const dir = path.join(pio, name);
      found.push({ vendor: 'arduino', arch: m[1], dir, version: platformVersion(dir, ''), source: `PlatformIO (${pio})` });
    }
  }
  if (isDirectory(path.join(pio, 'toolchain-atmelavr', 'bin')))
    tools.push({ vendor: 'platformio', name: 'avr-gcc', version: '0', dir: path.join(pio, 'toolchain-atmelavr') });

  const platforms: InstalledPlatform[] = [];
  const shadowed: InstalledPlatform[] = [];
  for (const p of found) {
    if (platforms.some((q) => q.vendor === p.vendor && q.arch === p.arch)) shadowed.push(p);
    else platforms.push(p);
  }
  return { platforms, shadowed, tools, searched };
}

/**
 * `runtime.tools.<name>.path` and `runtime.tools.<name>-<version>.path` for every installed tool; for a name
 * installed several times, the board platform's vendor first, then the newest version (arduino-cli's order).
 */
export function toolProperties(tools: InstalledTool[], vendor: string): Map<string, string> {
  const props = new Map<string, string>();
  const byName = new Map<string, InstalledTool[]>();
  for (const t of tools) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  for (const [name, list] of byName) {
    const best = [...list].sort((a, b) => {
      const pa = a.vendor === vendor ? 1 : 0;
      const pb = b.vendor === vendor ? 1 : 0;
      return pa !== pb ? pb - pa : compareVersions(b.version, a.version);
    })[0];
    for (const t of list) props.set(`runtime.tools.${name}-${t.version}.path`, t.dir);
    props.set(`runtime.tools.${name}.path`, best.dir);
  }
  return props;
}
