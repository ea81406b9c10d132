// One board of an installed platform, resolved the way arduino-cli resolves an FQBN (ResolveFQBN):
//   build properties = variant platform's properties, then the core platform's, then the board platform's
//   (each platform.txt with its platform.local.txt over it), then the board's own boards.txt entries with the
//   chosen menu options (a menu without a choice takes its first option), then the runtime properties
//   (`runtime.platform.path`, `runtime.hardware.path`, `runtime.tools.*`, `build.core.path`,
//   `build.variant.path`, `build.system.path`, `build.fqbn`, `build.arch`, `runtime.ide.version`, `runtime.os`).
// `build.core=vendor:core` / `build.variant=vendor:variant` take the core or variant from that vendor's
// platform of the same architecture.
import * as path from 'node:path';
import type { Fqbn } from './fqbn';
import { fqbnString } from './fqbn';
import type { Installation, InstalledPlatform } from './discover';
import { toolProperties } from './discover';
import { expandProps, merge, Props, readProps, readPropsIfExists, subtree } from './properties';

/** The Arduino IDE version reported as ARDUINO (1.8.19), as Debian's arduino-builder does. */
export const ARDUINO_IDE_VERSION = '10819';

export interface MenuChoice {
  menu: string;
  /** The menu's title (`menu.cpu=Processor`). */
  title: string;
  option: string;
  label: string;
  chosen: 'default' | 'fqbn';
}

export interface ArduinoBoard {
  fqbn: string;
  /** boards.txt key (`uno`, `mega`). */
  key: string;
  name: string;
  platform: InstalledPlatform;
  corePlatform: InstalledPlatform;
  variantPlatform: InstalledPlatform;
  core: string;
  variant: string;
  menus: MenuChoice[];
  /** Build properties, unexpanded (expand values with `expandProps`). */
  props: Props;
}

export class BoardResolutionError extends Error {}

function platformProps(p: InstalledPlatform): Props {
  const props = readPropsIfExists(path.join(p.dir, 'platform.txt')) ?? new Map();
  return merge(props, readPropsIfExists(path.join(p.dir, 'platform.local.txt')));
}

/** Boards of a platform: boards.txt keys with their names, in file order. */
export function listBoards(p: InstalledPlatform): { key: string; name: string }[] {
  const boards = readProps(path.join(p.dir, 'boards.txt'));
  const out: { key: string; name: string }[] = [];
  for (const [k, v] of boards) {
    const m = /^([^.]+)\.name$/.exec(k);
    if (m) out.push({ key: m[1], name: v });
  }
  return out;
}

export function findPlatform(inst: Installation, vendor: string, arch: string): InstalledPlatform | undefined {
  return inst.platforms.find((p) => p.vendor === vendor && p.arch === arch);
}

export function resolveArduinoBoard(inst: Installation, fqbn: Fqbn): ArduinoBoard {
  const name = fqbnString(fqbn);
  const platform = findPlatform(inst, fqbn.vendor, fqbn.arch);
  if (!platform) {
    const have = inst.platforms.map((p) => `${p.vendor}:${p.arch}`).join(', ') || 'none';
    throw new BoardResolutionError(`no installed platform ${fqbn.vendor}:${fqbn.arch} for board ${name} (installed: ${have})`);
  }
  const boardsFile = path.join(platform.dir, 'boards.txt');
  const boardsTxt = readProps(boardsFile);
  const own = subtree(boardsTxt, fqbn.board);
  if (!own.size) {
    const known = listBoards(platform).map((b) => b.key);
    throw new BoardResolutionError(`${boardsFile}: no board "${fqbn.board}" (boards of ${fqbn.vendor}:${fqbn.arch}: ${known.join(', ')})`);
  }
  // Menus: each `menu.<id>` the board offers options for; the FQBN's choice or the first option.
  const menuTitles = subtree(boardsTxt, 'menu');
  const menus: MenuChoice[] = [];
  const boardProps: Props = new Map([...own].filter(([k]) => !k.startsWith('menu.')));
  const offered = new Map<string, string[]>();
  for (const k of own.keys()) {
    const m = /^menu\.([^.]+)\.([^.]+)$/.exec(k);
    if (m) offered.set(m[1], [...(offered.get(m[1]) ?? []), m[2]]);
  }
  for (const [k] of fqbn.options) {
    if (!offered.has(k))
      throw new BoardResolutionError(
        `board ${name}: ${fqbn.board} has no menu "${k}" (menus: ${[...offered.keys()].join(', ') || 'none'})`,
      );
  }
  for (const [menu, options] of offered) {
    const asked = fqbn.options.find(([k]) => k === menu)?.[1];
    if (asked && !options.includes(asked))
      throw new BoardResolutionError(`board ${name}: menu ${menu} has no option "${asked}" (options: ${options.join(', ')})`);
    const option = asked ?? options[0];
    menus.push({
      menu,
      title: menuTitles.get(menu) ?? menu,
      option,
      label: own.get(`menu.${menu}.${option}`) ?? option,
      chosen: asked ? 'fqbn' : 'default',
    });
    merge(boardProps, subtree(own, `menu.${menu}.${option}`));
  }

  const ref = (key: string) => {
    const v = expandProps(boardProps.get(key) ?? '', boardProps);
    const i = v.indexOf(':');
    return i < 0 ? { vendor: undefined, value: v } : { vendor: v.slice(0, i), value: v.slice(i + 1) };
  };
  const core = ref('build.core');
  const variant = ref('build.variant');
  if (core.vendor && variant.vendor && core.vendor !== variant.vendor) {
    throw new BoardResolutionError(
      `board ${name}: build.core and build.variant refer to different platforms (${core.vendor}, ${variant.vendor})`,
    );
  }
  const referred = core.vendor ?? variant.vendor;
  let referredPlatform: InstalledPlatform | undefined;
  if (referred) {
    referredPlatform = findPlatform(inst, referred, fqbn.arch);
    if (!referredPlatform)
      throw new BoardResolutionError(`board ${name}: build.core/build.variant refer to ${referred}:${fqbn.arch}, which is not installed`);
  }
  const corePlatform = core.vendor ? referredPlatform! : platform;
  const variantPlatform = variant.vendor ? referredPlatform! : platform;

  const props: Props = new Map();
  // arduino-cli's order: variant platform, core platform, board platform, board (later ones win).
  for (const p of [variantPlatform, corePlatform, platform]) merge(props, platformProps(p));
  merge(props, boardProps);
  props.set('runtime.platform.path', platform.dir);
  props.set('runtime.hardware.path', path.dirname(platform.dir));
  props.set('build.core.path', path.join(corePlatform.dir, 'cores', core.value));
  props.set('build.system.path', path.join(corePlatform.dir, 'system'));
  props.set('build.variant.path', variant.value ? path.join(variantPlatform.dir, 'variants', variant.value) : '');
  merge(props, toolProperties(inst.tools, platform.vendor));
  props.set('runtime.os', 'linux');
  props.set('runtime.ide.version', ARDUINO_IDE_VERSION);
  props.set('ide_version', ARDUINO_IDE_VERSION);
  props.set('build.fqbn', name);
  props.set('build.arch', fqbn.arch.toUpperCase());
  if (!props.get('build.board')) props.set('build.board', `${fqbn.arch}_${fqbn.board}`.toUpperCase());
  if (!props.has('software')) props.set('software', 'ARDUINO');
  return {
    fqbn: name,
    key: fqbn.board,
    name: own.get('name') ?? fqbn.board,
    platform,
    corePlatform,
    variantPlatform,
    core: core.value,
    variant: variant.value,
    menus,
    props,
  };
}
