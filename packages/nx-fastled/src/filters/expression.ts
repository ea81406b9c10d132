// The one-line `// @filter` expression: tokenizer and recursive-descent parser.
//   expr    := andExpr ('or' andExpr)*
//   andExpr := unary ('and' unary)*
//   unary   := 'not' unary | primary
//   primary := condition | '(' expr ')'
//   condition := '(' key ('is not' | 'is' | 'matches' | '=' | ':') value ')'
// A condition is recognised exactly where FastLED's regex (ci/compiler/sketch_filter.py) recognises one:
// `(`, a word, an operator, then everything up to the next `)` as the value (so `(target is A or B)` is one
// condition whose value is "A or B", as in FastLED). Anything after `//` is a comment.
// FastLED itself ignores text it cannot parse; we reject it, so a typo cannot silently admit everything.

export type Property = 'memory' | 'platform' | 'target' | 'board';

export interface Condition {
  type: 'cond';
  key: Property;
  op: 'is' | 'is not' | 'matches';
  value: string;
  /** The condition directly follows the word `not` (FastLED's negation test: the text before it ends in "not"). */
  afterNot: boolean;
}

export type Expr = Condition | { type: 'not'; operand: Expr } | { type: 'and' | 'or'; operands: Expr[] };

/** The property names a filter may write, with FastLED's short forms. */
export const PROPERTY_NAMES: Readonly<Record<string, Property>> = {
  mem: 'memory',
  plat: 'platform',
  tgt: 'target',
  brd: 'board',
  memory: 'memory',
  platform: 'platform',
  target: 'target',
  board: 'board',
};

type Tok = { kind: 'cond'; cond: Condition } | { kind: '(' | ')' | 'and' | 'or' | 'not' };

// FastLED's pattern, with word boundaries after the word operators (FastLED reads `(board is nothing)` as
// "is not" + "hing"; we read it as "is" + "nothing").
const CONDITION = /\(\s*(\w+)(?:\s+(is\s+not|is|matches)\b|\s*([=:]))\s*([^)]*)\)/y;

/** Parses the expression; `fail(message)` must throw (it adds the file and line). */
export function parseExpression(text: string, fail: (message: string) => never): Expr {
  const toks = tokenize(text, fail);
  if (toks.length === 0) fail('@filter has no condition: write e.g. `// @filter: (memory is large)`');
  let i = 0;
  const peek = () => toks[i]?.kind;

  const expr = (): Expr => {
    const operands = [andExpr()];
    while (peek() === 'or') {
      i++;
      operands.push(andExpr());
    }
    return operands.length === 1 ? operands[0] : { type: 'or', operands };
  };
  const andExpr = (): Expr => {
    const operands = [unary()];
    while (peek() === 'and') {
      i++;
      operands.push(unary());
    }
    return operands.length === 1 ? operands[0] : { type: 'and', operands };
  };
  const unary = (): Expr => {
    if (peek() === 'not') {
      i++;
      return { type: 'not', operand: unary() };
    }
    return primary();
  };
  const primary = (): Expr => {
    const t = toks[i];
    if (!t) fail('@filter expression ends too early: a condition like (board is uno) is missing at the end');
    if (t.kind === 'cond') {
      i++;
      return t.cond;
    }
    if (t.kind === '(') {
      i++;
      const e = expr();
      if (peek() !== ')') fail(`@filter: expected ')' ${describe(toks[i])}: balance the parentheses`);
      i++;
      return e;
    }
    return fail(`@filter: expected a condition like (memory is large) but found ${describe(t)}`);
  };

  const e = expr();
  if (i < toks.length) fail(`@filter: unexpected ${describe(toks[i])}: join conditions with and/or`);
  return e;
}

function describe(t: Tok | undefined): string {
  if (!t) return 'at the end';
  return t.kind === 'cond' ? `condition (${t.cond.key} ${t.cond.op} ${t.cond.value})` : `'${t.kind}'`;
}

function tokenize(text: string, fail: (message: string) => never): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) break;
    if (c === '(') {
      CONDITION.lastIndex = i;
      const m = CONDITION.exec(text);
      if (m) {
        const word = m[1].toLowerCase();
        const key = PROPERTY_NAMES[word];
        if (!key) {
          fail(`@filter: unknown property '${m[1]}': use memory (mem), platform (plat), target (tgt) or board (brd)`);
        }
        let value = m[4].trim();
        if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
          value = value.slice(1, -1);
        }
        if (!value) fail(`@filter: (${m[1]} ...) has no value: write e.g. (${m[1]} is ${example(key)})`);
        const op = m[2] ? (/^is\s+not$/.test(m[2]) ? 'is not' : (m[2] as 'is' | 'matches')) : 'is';
        const prev = toks[toks.length - 1];
        toks.push({ kind: 'cond', cond: { type: 'cond', key, op, value, afterNot: prev?.kind === 'not' } });
        i = CONDITION.lastIndex;
        continue;
      }
      if (/^\(\s*\w+(\s+(is|matches)\b|\s*[=:])/.test(text.slice(i))) {
        fail(`@filter: condition '${text.slice(i).trim()}' is not closed: add ')' after its value`);
      }
      toks.push({ kind: '(' });
      i++;
      continue;
    }
    if (c === ')') {
      toks.push({ kind: ')' });
      i++;
      continue;
    }
    const w = /^[A-Za-z_]\w*/.exec(text.slice(i));
    if (w && (w[0] === 'and' || w[0] === 'or' || w[0] === 'not')) {
      toks.push({ kind: w[0] });
      i += w[0].length;
      continue;
    }
    const bad = w ? w[0] : c;
    fail(`@filter: unexpected '${bad}': conditions are written (key is value) and joined with and/or/not`);
  }
  return toks;
}

function example(key: Property): string {
  return { memory: 'large', platform: 'avr', target: 'ATMEGA328P', board: 'uno' }[key];
}
