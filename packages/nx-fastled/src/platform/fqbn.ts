// Board names: a fully qualified board name (FQBN, `vendor:arch:board[:menu=option,...]`, e.g.
// `arduino:avr:mega:cpu=atmega1280`) or a short alias (`uno`, `mega`, `leonardo`: a board of `arduino:avr`
// with its default menu options), and the board id that names output folders and projects.
//
// Board id: the alias itself (`uno` → `dist/uno/`); for an FQBN, its parts joined by `-` with the `arduino-avr-`
// prefix left out, so `arduino:avr:uno` is `uno` too and `arduino:avr:mega:cpu=atmega1280` is
// `mega-cpu-atmega1280`; another vendor's `acme:avr:widget` is `acme-avr-widget`. Ids keep [A-Za-z0-9._-].

export interface Fqbn {
  vendor: string;
  arch: string;
  board: string;
  /** Menu selections in the order written. */
  options: [string, string][];
}

export class FqbnError extends Error {}

const PART = /^[A-Za-z0-9._-]+$/;

/** Parses an FQBN, or an alias (a name without `:`) as `arduino:avr:<alias>`. */
export function parseBoardName(name: string): Fqbn {
  if (!name.includes(':')) {
    if (!PART.test(name))
      throw new FqbnError(`board "${name}": not a board alias (letters, digits, . _ -) nor an FQBN (vendor:arch:board[:menu=option,...])`);
    return { vendor: 'arduino', arch: 'avr', board: name, options: [] };
  }
  const parts = name.split(':');
  if (parts.length < 3 || parts.length > 4 || !parts.slice(0, 3).every((p) => PART.test(p))) {
    throw new FqbnError(`board "${name}": an FQBN is vendor:arch:board[:menu=option,...], e.g. arduino:avr:mega:cpu=atmega2560`);
  }
  const options: [string, string][] = [];
  if (parts[3] !== undefined) {
    for (const opt of parts[3].split(',')) {
      const [k, v, ...rest] = opt.split('=');
      if (!k || !v || rest.length || !PART.test(k) || !PART.test(v))
        throw new FqbnError(`board "${name}": menu option "${opt}" is not menu=option`);
      options.push([k, v]);
    }
  }
  return { vendor: parts[0], arch: parts[1], board: parts[2], options };
}

export function fqbnString(f: Fqbn): string {
  return `${f.vendor}:${f.arch}:${f.board}${f.options.length ? `:${f.options.map(([k, v]) => `${k}=${v}`).join(',')}` : ''}`;
}

/** The readable, stable id of a board name (see the header). */
export function boardId(name: string): string {
  if (!name.includes(':')) return name;
  const f = parseBoardName(name);
  const head = f.vendor === 'arduino' && f.arch === 'avr' ? [f.board] : [f.vendor, f.arch, f.board];
  return [...head, ...f.options.flatMap(([k, v]) => [k, v])].join('-');
}
