// What a user reads when a library is missing, unsupported or a dependency is absent: the header, every
// library that offers it and why it was not used, and what to do next (add the library to the workspace,
// `arduino-cli lib install`, set the sketchbook path). Plain text, one paragraph per problem.
import type { LibraryDependency } from './library-fields';
import { computePriority, HeaderIndex, LibraryCandidate, LOCATION_LABEL } from './resolver';
import type { UnresolvedHeader } from './resolution';

export interface MessageContext {
  board: string;
  arch: string;
  /** The configured sketchbook folder, if any (its `libraries/` is searched). */
  sketchbook?: string;
}

const describe = (lib: LibraryCandidate) => `${lib.name} (${LOCATION_LABEL[lib.location]}, ${lib.key})`;

function whereSearched(ctx: MessageContext): string {
  return [
    'the workspace',
    ctx.sketchbook ? `the sketchbook ${ctx.sketchbook}/libraries` : 'no sketchbook (option "sketchbook" is not set)',
    `the ${ctx.board} platform's bundled libraries`,
  ].join(', ');
}

export function installAdvice(name: string, ctx: MessageContext): string {
  const sketchbook = ctx.sketchbook
    ? `install it with \`arduino-cli lib install "${name}"\` (into ${ctx.sketchbook}/libraries)`
    : `install it with \`arduino-cli lib install "${name}"\` and set the "sketchbook" option in nx-fastled.json to your sketchbook folder (where arduino-cli puts libraries/)`;
  return `add the library folder to the workspace, or ${sketchbook}`;
}

export function missingHeaderMessage(u: UnresolvedHeader, ctx: MessageContext): string {
  if (u.reason === 'none' || u.offeredBy.length === 0) {
    const guess = u.header.replace(/\.[^.]*$/, '');
    return `${u.header}: no library available to this build offers it (searched ${whereSearched(ctx)}); if it comes from a library, ${installAdvice(guess, ctx)}. If the code includes it only for other boards, it does not support ${ctx.board}.`;
  }
  const offers = u.offeredBy.map((l) => `${describe(l)} priority ${computePriority(l, u.header, ctx.arch)}`).join('; ');
  return `${u.header}: offered by ${offers}, and one of them is already in use by this build, so arduino-cli's rules resolve it no further; the include does not reach that library's source folder (check the include's spelling and the folder the header is in).`;
}

export function incompatibleMessage(lib: LibraryCandidate, ctx: MessageContext, via?: string): string {
  return `uses library ${describe(lib)}${via ? ` for ${via}` : ''}, whose library.properties says architectures=${lib.architectures.join(',')}: it does not support ${ctx.board} (architecture ${ctx.arch})`;
}

export function missingDependencyMessage(libName: string, dep: LibraryDependency, ctx: MessageContext): string {
  const version = dep.version ? ` (${dep.version})` : '';
  return `${libName} depends on ${dep.name}${version} (library.properties depends=), which is not available to this build (searched ${whereSearched(ctx)}): ${installAdvice(dep.name, ctx)}`;
}

/** Dependencies named in `depends=` that no available library provides (by name, as arduino-cli matches them). */
export function missingDependencies(depends: LibraryDependency[], index: HeaderIndex): LibraryDependency[] {
  return depends.filter((d) => index.byName(d.name).length === 0);
}
