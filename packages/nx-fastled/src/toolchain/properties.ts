// Arduino platform properties: the `key=value` files of an Arduino core (`platform.txt`, `boards.txt`).
//
// Format (Arduino platform specification): one `key=value` per line, `#` starts a comment line, blank lines
// are ignored, values reference other keys as `{key}`, expanded recursively; an unknown reference is left
// as it is (the caller substitutes per-file values such as `{source_file}` itself).
import * as fs from 'node:fs';

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

export type Properties = Map<string, string>;

export function parseProperties(text: string, file: string): Properties {
  const props: Properties = new Map();
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

export function readProperties(file: string): Properties {
  return parseProperties(fs.readFileSync(file, 'utf8'), file);
}

/** Expands `{key}` references until none that `props` knows is left. */
export function expand(value: string, props: Properties, depth = 0): string {
  if (depth > 32) throw new Error(`property expansion too deep (a cycle?) in "${value}"`);
  const out = value.replace(/\{([^{}]+)\}/g, (whole, key: string) => {
    const v = props.get(key);
    return v === undefined ? whole : v;
  });
  return out === value ? out : expand(out, props, depth + 1);
}

/** Splits a recipe line into arguments the way Arduino does: whitespace separates, double quotes group. */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuotes = false;
  let started = false;
  for (const ch of line) {
    if (ch === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if (!inQuotes && /\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}
