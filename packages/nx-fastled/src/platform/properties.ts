// Arduino platform properties as arduino-cli reads them (go-properties-orderedmap semantics).
//
// Format: `key=value` lines of platform.txt, platform.local.txt, boards.txt (and library.properties, which
// library/ reads with parseProperties); `#` comment lines; a key with an OS suffix (`key.linux`,
// `key.windows`, `key.macosx`) replaces `key` on that OS and is dropped elsewhere;
// `{key}` references expand recursively, unknown ones stay as written. Recipe lines split into arguments at
// spaces, a word starting with `"` or `'` running to the word that ends with the same quote (quotes removed).
import * as fs from 'node:fs';

export type Props = Map<string, string>;
/** The same map, by the name library/ uses for `library.properties`. */
export type Properties = Props;

export class PropertiesError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'PropertiesError';
  }
}

/** `key=value` lines (blank and `#` lines skipped; a line without `=` is an error naming file and line). */
export function parseProperties(text: string, file: string): Props {
  const props: Props = new Map();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new PropertiesError(file, index + 1, `expected "key=value", found "${line}"`);
    }
    props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return props;
}

const OS_SUFFIXES = ['linux', 'windows', 'macosx', 'freebsd'];
const THIS_OS =
  process.platform === 'darwin'
    ? 'macosx'
    : process.platform === 'win32'
      ? 'windows'
      : process.platform === 'freebsd'
        ? 'freebsd'
        : 'linux';

/** Applies OS-specific keys (`x.linux` over `x`) and drops the other OSes' ones. */
export function applyOsSuffixes(props: Props): Props {
  const out: Props = new Map();
  for (const [k, v] of props) {
    const dot = k.lastIndexOf('.');
    const suffix = dot > 0 ? k.slice(dot + 1) : '';
    if (OS_SUFFIXES.includes(suffix)) continue;
    out.set(k, v);
  }
  for (const [k, v] of props) if (k.endsWith(`.${THIS_OS}`)) out.set(k.slice(0, -THIS_OS.length - 1), v);
  return out;
}

export function readProps(file: string): Props {
  return applyOsSuffixes(parseProperties(fs.readFileSync(file, 'utf8'), file));
}

export function readPropsIfExists(file: string): Props | undefined {
  return fs.existsSync(file) ? readProps(file) : undefined;
}

/** The keys under `prefix.` with the prefix removed. */
export function subtree(props: Props, prefix: string): Props {
  const out: Props = new Map();
  const p = `${prefix}.`;
  for (const [k, v] of props) if (k.startsWith(p)) out.set(k.slice(p.length), v);
  return out;
}

export function merge(into: Props, from: Props | undefined): Props {
  if (from) for (const [k, v] of from) into.set(k, v);
  return into;
}

/** Expands `{key}` references (recursively, up to a fixed depth as arduino-cli does); unknown ones are kept. */
export function expandProps(value: string, props: Props): string {
  let current = value;
  for (let i = 0; i < 10; i++) {
    const next = current.replace(/\{([^{}]+)\}/g, (whole, key: string) => props.get(key) ?? whole);
    if (next === current) return next;
    current = next;
  }
  return current;
}

/** arduino-cli's splitting of a recipe line into arguments (quote characters `"` and `'`, no escapes). */
export function splitQuoted(src: string, file = 'recipe'): string[] {
  const result: string[] = [];
  let quote = '';
  let arg = '';
  for (let word of src.split(' ')) {
    if (!quote) {
      const first = word[0];
      if (first !== '"' && first !== "'") {
        if (word.trim()) result.push(word);
        continue;
      }
      quote = first;
      word = word.slice(1);
      arg = '';
    }
    if (!word.endsWith(quote)) {
      arg += `${word} `;
      continue;
    }
    arg += word.slice(0, -1);
    if (arg.trim()) result.push(arg);
    quote = '';
  }
  if (quote) throw new PropertiesError(file, 0, `invalid quoting in "${src}": no closing ${quote}`);
  return result;
}
