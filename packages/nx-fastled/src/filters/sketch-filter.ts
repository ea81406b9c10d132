// FastLED's `// @filter` directive in an example's main .ino, and whether a board admits the example.
// Replicates ci/compiler/sketch_filter.py (parse_filter_from_sketch + should_skip_sketch), which FastLED's
// CI applies to the main .ino only (board_example_utils.get_example_ino_path: `<name>.ino`, else the only
// .ino); directives in headers (e.g. ParallelOutputDemo.h) are ignored, as there.
// Two forms, the first directive in the file wins:
//   // @filter: (mem is large) and not (platform is stm32)     (one line; colon optional; `///` too)
//   // @filter                                                 (block, up to // @end-filter)
//   // require:
//   //   - board: esp32s3,teensy41|rp2350
//   // exclude:
//   //   - target: esp32p4
//   // @end-filter
// FastLED does NOT evaluate the one-liner as boolean algebra: it collects every condition into `require`
// (not negated) or `exclude` (negated: `is not`, or directly preceded by `not`), per property; a board is
// rejected if any exclude matches or any required property matches none of its values. So `or` between
// different properties behaves like `and`, and `not (a and b)` negates nothing. We keep that meaning exactly
// (it decides which examples FastLED builds) and also expose the boolean reading for diagnostics.

import { BoardTraits } from './board-traits';
import { FilterError } from './filter-error';
import { Condition, Expr, parseExpression, Property, PROPERTY_NAMES } from './expression';

export interface Constraint {
  key: Property;
  values: string[];
  /** The directive line as written (trimmed), quoted in rejection reasons. */
  source: string;
  line: number;
}

export interface SketchFilters {
  file: string;
  line: number;
  /** The directive's line as written (trimmed). */
  source: string;
  /** One-line form only. */
  expression?: Expr;
  require: Constraint[];
  exclude: Constraint[];
}

export type Admission = { admitted: true } | { admitted: false; reason: string };

const DIRECTIVE = /\/\/\s*@filter\b(?!-)\s*:?(.*)$/;
const END = /\/\/\s*@end-filter\b/;
/** The filter of a sketch's main .ino, or null if it has none. Throws FilterError when malformed. */
export function parseFilters(text: string, file: string): SketchFilters | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = lines.findIndex((l) => DIRECTIVE.test(l));
  if (at < 0) return null;
  const line = at + 1;
  const source = lines[at].trim();
  const rest = (DIRECTIVE.exec(lines[at]) as RegExpExecArray)[1].trim();
  const fail = (l: number, message: string): never => {
    throw new FilterError(file, l, message);
  };
  if (rest && !rest.startsWith('//')) {
    const expression = parseExpression(rest, (m) => fail(line, m));
    const require: Constraint[] = [];
    const exclude: Constraint[] = [];
    for (const c of conditions(expression)) {
      const negated = (c.op === 'is not') !== c.afterNot;
      add(negated ? exclude : require, c.key, [c.value], source, line);
    }
    return { file, line, source, expression, require, exclude };
  }
  return parseBlock(lines, at, file, source, fail);
}

function parseBlock(
  lines: string[],
  at: number,
  file: string,
  source: string,
  fail: (line: number, message: string) => never,
): SketchFilters {
  const end = lines.findIndex((l, i) => i > at && END.test(l));
  if (end < 0) fail(at + 1, '@filter block has no `// @end-filter` line: close it, or write a one-line filter');
  const require: Constraint[] = [];
  const exclude: Constraint[] = [];
  let section: Constraint[] | null = null;
  for (let i = at + 1; i < end; i++) {
    const text = lines[i].replace(/^\s*\/+/, '').trim();
    if (!text) continue;
    if (/^require:/.test(text)) {
      section = require;
      continue;
    }
    if (/^exclude:/.test(text)) {
      section = exclude;
      continue;
    }
    const item = /^-\s+([^:]+):(.*)$/.exec(text);
    if (!item) fail(i + 1, `@filter block: expected 'require:', 'exclude:' or '- key: value' but found '${text}'`);
    if (!section) fail(i + 1, '@filter block: list items must follow a `require:` or `exclude:` line');
    const name = item[1].trim().toLowerCase();
    const key = PROPERTY_NAMES[name];
    if (!key) fail(i + 1, `@filter block: unknown property '${item[1].trim()}': use memory, platform, target or board`);
    const values = item[2]
      .split(/[|,]/)
      .map((v) => v.trim())
      .filter(Boolean);
    if (!values.length) fail(i + 1, `@filter block: '${item[1].trim()}' has no values: list them as a,b or a|b`);
    add(section, key, values, lines[i].trim(), i + 1);
  }
  return { file, line: at + 1, source, require, exclude };
}

/** Conditions of an expression in source order. */
function conditions(e: Expr): Condition[] {
  if (e.type === 'cond') return [e];
  if (e.type === 'not') return conditions(e.operand);
  return e.operands.flatMap(conditions);
}

/** Like FastLED's `dict.setdefault(key, []).extend(values)`: one entry per property, first position kept. */
function add(list: Constraint[], key: Property, values: string[], source: string, line: number): void {
  const found = list.find((c) => c.key === key);
  if (found) found.values.push(...values);
  else list.push({ key, values: [...values], source, line });
}

/** FastLED's should_skip_sketch, with a reason that quotes the directive. */
export function admits(filters: SketchFilters | null, traits: BoardTraits): Admission {
  if (!filters) return { admitted: true };
  for (const c of filters.exclude) {
    const v = property(traits, c.key);
    if (v && valueMatches(v, c.values)) {
      return { admitted: false, reason: `${c.source} — ${traits.board} has ${c.key} ${v}, which it excludes` };
    }
  }
  for (const c of filters.require) {
    const v = property(traits, c.key);
    const ok = !!v && (c.key === 'memory' ? memoryMatches(v, c.values) : valueMatches(v, c.values));
    if (!ok) {
      const has = v ? `has ${c.key} ${v}` : `has no ${c.key}`;
      return { admitted: false, reason: `${c.source} — ${traits.board} ${has}` };
    }
  }
  return { admitted: true };
}

/**
 * The one-liner read as ordinary boolean algebra. Not what FastLED does (see the top of this file); used to
 * flag directives whose two readings disagree, which are likely to surprise their authors.
 */
export function booleanValue(e: Expr, traits: BoardTraits): boolean {
  switch (e.type) {
    case 'cond': {
      const v = property(traits, e.key);
      const hit = !!v && (e.key === 'memory' && e.op !== 'is not' ? memoryMatches(v, [e.value]) : valueMatches(v, [e.value]));
      return (e.op === 'is not') !== hit;
    }
    case 'not':
      return !booleanValue(e.operand, traits);
    case 'and':
      return e.operands.every((o) => booleanValue(o, traits));
    case 'or':
      return e.operands.some((o) => booleanValue(o, traits));
  }
}

function property(t: BoardTraits, key: Property): string {
  switch (key) {
    case 'memory':
      return t.memory;
    case 'platform':
      return t.family;
    case 'target':
      return t.target;
    case 'board':
      return t.filterBoardName ?? t.board;
  }
}

// FastLED's MEMORY_TIERS: `(memory is large)` means "at least large".
const TIERS: Record<string, number> = { tiny: 0, low: 1, large: 2, huge: 3 };

function memoryMatches(board: string, values: string[]): boolean {
  // An unknown board class (the stub's "high") counts as large, as in FastLED.
  const tier = TIERS[board.toLowerCase()] ?? TIERS.large;
  return values.some((v) => {
    const want = TIERS[v.toLowerCase().trim()];
    return want !== undefined ? tier >= want : board.toLowerCase() === v.toLowerCase().trim();
  });
}

/** Case-insensitive; `-DNAME` means NAME; a value with `*` is a glob (Python fnmatch). */
export function valueMatches(board: string, values: string[]): boolean {
  const b = board.toLowerCase();
  return values.some((raw) => {
    let v = raw.toLowerCase();
    if (v.startsWith('-d')) v = v.slice(2);
    return v.includes('*') ? globToRegExp(v).test(b) : b === v;
  });
}

/** fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; everything else literal. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      else if (set.startsWith('^')) set = `\\${set}`;
      re += `[${set}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}
