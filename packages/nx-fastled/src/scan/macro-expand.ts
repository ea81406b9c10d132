// Expansion of the macro behind a computed include (`#include CONFIG`, `#include STR(X)`,
// `__has_include(NAME)`), over-approximated: the definition a name has at that point is unknown statically,
// so every definition the caller can see (every #define of the closure in any #if branch, -D, the compiler's
// builtins) is tried, and so is "not defined at this point". Each combination — one choice per name, as a
// name has exactly one state while one directive is expanded — is a run of an ordinary expander (object-
// and function-like macros, `#`, `##`, variadics, hide sets); the runs are enumerated by replaying choices.
//
// A run whose result is not a header name, or which gcc would reject (wrong argument count, unbalanced
// parentheses), contributes nothing: that compile fails. Only what cannot be known statically throws
// Unexpandable: a name with no visible definition when the predefined macros are unknown, __FILE__ and
// friends, or too many combinations.
import type { MacroDef } from './directives';

export class Unexpandable extends Error {}

/** A run the compiler would reject: it contributes no header. */
class Rejected extends Error {}

export interface HeaderName {
  angle: boolean;
  spec: string;
}

type Kind = 'id' | 'num' | 'str' | 'p' | 'pm';

interface Tok {
  k: Kind;
  v: string;
  /** preceded by whitespace */
  ws: boolean;
  /** names whose expansion produced this token (they do not expand again inside it) */
  hs?: ReadonlySet<string>;
}

const DYNAMIC = new Set([
  '__FILE__',
  '__LINE__',
  '__COUNTER__',
  '__INCLUDE_LEVEL__',
  '__BASE_FILE__',
  '__FILE_NAME__',
  '__DATE__',
  '__TIME__',
  '__TIMESTAMP__',
  '_Pragma',
]);

export const MAX_RUNS = 4096;
const MAX_STEPS = 100_000;

/** The names a macro lookup may hit, for a caller that wants to know which definitions it must collect. */
export function identifiers(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.k === 'id')
    .map((t) => t.v);
}

export interface Definitions {
  /** every definition of `name` that may be in effect (deduplicated by the caller or not) */
  lookup(name: string): readonly MacroDef[];
  /** false when a name without definitions may still be predefined by the compiler (builtins unknown) */
  complete: boolean;
}

/**
 * Every header name `text` (the tokens after #include, or the argument of __has_include) may expand to.
 * Throws Unexpandable when that cannot be bounded statically.
 */
export function expandHeaderNames(text: string, defs: Definitions): HeaderName[] {
  const input = tokenize(text);
  const results = new Map<string, HeaderName>();
  const pending: Map<string, number>[] = [new Map()];
  let runs = 0;
  while (pending.length > 0) {
    const fixed = pending.pop() as Map<string, number>;
    if (++runs > MAX_RUNS) throw new Unexpandable(`more than ${MAX_RUNS} combinations of macro definitions`);
    const run = new Run(defs, fixed, pending);
    let out: Tok[];
    try {
      out = run.expand(input);
    } catch (e) {
      if (e instanceof Rejected) continue;
      throw e;
    }
    const h = headerName(out);
    if (h) results.set(`${h.angle ? '<' : '"'}${h.spec}`, h);
  }
  return [...results.values()];
}

/** One deterministic expansion; a name seen for the first time picks alternative 0 and queues the others. */
class Run {
  private steps = 0;
  private readonly bodies = new Map<MacroDef, Tok[]>();

  constructor(
    private readonly defs: Definitions,
    private readonly fixed: Map<string, number>,
    private readonly pending: Map<string, number>[],
  ) {}

  private choose(name: string): MacroDef | null {
    const seen = new Map<string, MacroDef>();
    for (const d of this.defs.lookup(name)) seen.set(`${d.params === null ? '' : `(${d.params.join(',')})`} ${d.body}`, d);
    const alternatives: (MacroDef | null)[] = [...seen.values()];
    if (alternatives.length === 0 && !this.defs.complete) {
      throw new Unexpandable(`'${name}' has no visible definition and the compiler's predefined macros are unknown`);
    }
    alternatives.push(null); // not defined at this point
    let choice = this.fixed.get(name);
    if (choice === undefined) {
      choice = 0;
      for (let j = 1; j < alternatives.length; j++) this.pending.push(new Map([...this.fixed, [name, j]]));
      this.fixed.set(name, 0);
    }
    return alternatives[choice];
  }

  expand(tokens: readonly Tok[]): Tok[] {
    const out: Tok[] = [];
    // the input as a stack (last element next), so that a replacement is pushed in front of the rest
    const stack = [...tokens].reverse();
    while (stack.length > 0) {
      if (++this.steps > MAX_STEPS) throw new Unexpandable('macro expansion does not terminate');
      const t = stack.pop() as Tok;
      if (t.k !== 'id' || t.hs?.has(t.v)) {
        out.push(t);
        continue;
      }
      if (DYNAMIC.has(t.v)) throw new Unexpandable(`'${t.v}' has no static value`);
      const def = this.choose(t.v);
      if (!def) {
        out.push(t);
        continue;
      }
      if (def.params === null) {
        const hs = union(t.hs, t.v);
        const repl = this.substitute(def, [], hs);
        if (repl.length > 0) repl[0] = { ...repl[0], ws: t.ws };
        for (let i = repl.length - 1; i >= 0; i--) stack.push(repl[i]);
        continue;
      }
      // function-like: only a call when the next token is '('
      const next = stack[stack.length - 1];
      if (!next || next.k !== 'p' || next.v !== '(') {
        out.push(t);
        continue;
      }
      stack.pop();
      const { args, close } = collectArgs(stack);
      const hs = union(intersect(t.hs, close.hs), t.v);
      const repl = this.substitute(def, args, hs);
      if (repl.length > 0) repl[0] = { ...repl[0], ws: t.ws };
      for (let i = repl.length - 1; i >= 0; i--) stack.push(repl[i]);
    }
    return out;
  }

  private body(def: MacroDef): Tok[] {
    let b = this.bodies.get(def);
    if (!b) this.bodies.set(def, (b = tokenize(def.body)));
    return b;
  }

  /** The replacement list with arguments substituted, `#` and `##` applied, and `hs` added to every token. */
  private substitute(def: MacroDef, rawArgs: Tok[][], hs: ReadonlySet<string>): Tok[] {
    const params = def.params ?? [];
    const names = params.map((p) => (p === '...' ? '__VA_ARGS__' : p.endsWith('...') ? p.slice(0, -3).trim() : p));
    const variadic = params.length > 0 && params[params.length - 1].endsWith('...');
    let args = rawArgs;
    if (def.params !== null) {
      const count = params.length;
      if (args.length === 0 && count >= 1) args = [[]]; // F() passes one empty argument
      if (variadic) {
        if (args.length === count - 1) args = [...args, []];
        else if (args.length < count - 1) throw new Rejected();
        else if (args.length > count) {
          // the variadic argument takes the rest, commas included
          const rest: Tok[] = [];
          args.slice(count - 1).forEach((a, i) => {
            if (i > 0) rest.push({ k: 'p', v: ',', ws: false });
            rest.push(...a);
          });
          args = [...args.slice(0, count - 1), rest];
        }
      } else if (args.length !== count) throw new Rejected();
    }
    const body = this.body(def);
    const param = (t: Tok | undefined): number => (t && t.k === 'id' ? names.indexOf(t.v) : -1);
    const expanded = new Map<number, Tok[]>();
    const pieces: Tok[] = [];
    for (let i = 0; i < body.length; i++) {
      const t = body[i];
      if (def.params !== null && t.k === 'p' && t.v === '#' && param(body[i + 1]) >= 0) {
        pieces.push({ k: 'str', v: stringify(args[param(body[i + 1])]), ws: t.ws });
        i++;
        continue;
      }
      const p = param(t);
      if (p < 0) {
        pieces.push(t);
        continue;
      }
      const pasted = isPaste(body[i - 1]) || isPaste(body[i + 1]);
      let arg: Tok[];
      if (pasted) arg = args[p];
      else {
        let e = expanded.get(p);
        if (!e) expanded.set(p, (e = this.expand(args[p])));
        arg = e;
      }
      if (arg.length === 0) {
        if (pasted) pieces.push({ k: 'pm', v: '', ws: t.ws });
        continue;
      }
      pieces.push({ ...arg[0], ws: t.ws }, ...arg.slice(1));
    }
    // ## (a ## that came from an argument is an ordinary token: only the body's count)
    const out: Tok[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const t = pieces[i];
      if (isPaste(t) && body.includes(t) && out.length > 0 && i + 1 < pieces.length) {
        const left = out.pop() as Tok;
        const right = pieces[++i];
        // GNU: `, ## __VA_ARGS__` with empty variadic arguments drops the comma
        if (right.k === 'pm' && left.k === 'p' && left.v === ',' && variadic) continue;
        out.push(...paste(left, right));
        continue;
      }
      out.push(t);
    }
    return out.filter((t) => t.k !== 'pm').map((t) => ({ ...t, hs: union(t.hs, ...hs) }));
  }
}

function isPaste(t: Tok | undefined): boolean {
  return t !== undefined && t.k === 'p' && t.v === '##';
}

function paste(left: Tok, right: Tok): Tok[] {
  if (left.k === 'pm') return right.k === 'pm' ? [] : [{ ...right, ws: left.ws }];
  if (right.k === 'pm') return [left];
  const toks = tokenize(left.v + right.v);
  if (toks.length !== 1) throw new Rejected(); // "pasting does not give a valid preprocessing token"
  return [{ ...toks[0], ws: left.ws, hs: left.hs }];
}

/** Arguments of a call whose '(' was consumed; throws Rejected when the ')' is missing. */
function collectArgs(stack: Tok[]): { args: Tok[][]; close: Tok } {
  const args: Tok[][] = [[]];
  let depth = 0;
  while (stack.length > 0) {
    const t = stack.pop() as Tok;
    if (t.k === 'p' && t.v === '(') depth++;
    else if (t.k === 'p' && t.v === ')') {
      if (depth === 0) return { args: args.length === 1 && args[0].length === 0 ? [] : args, close: t };
      depth--;
    } else if (t.k === 'p' && t.v === ',' && depth === 0) {
      args.push([]);
      continue;
    }
    args[args.length - 1].push(t);
  }
  throw new Rejected();
}

function stringify(arg: Tok[]): string {
  let s = '';
  arg.forEach((t, i) => {
    if (i > 0 && t.ws) s += ' ';
    s += t.k === 'str' ? t.v.replace(/[\\"]/g, (c) => `\\${c}`) : t.v;
  });
  return `"${s}"`;
}

/** gcc's reading of an expanded #include: a string literal, or the spellings between '<' and '>'. */
function headerName(toks: Tok[]): HeaderName | null {
  const first = toks[0];
  if (!first) return null;
  if (first.k === 'str' && first.v.startsWith('"') && first.v.endsWith('"') && first.v.length >= 2) {
    return { angle: false, spec: first.v.slice(1, -1) };
  }
  if (first.k === 'p' && first.v === '<') {
    let spec = '';
    for (let i = 1; i < toks.length; i++) {
      const t = toks[i];
      if (t.k === 'p' && t.v === '>') return { angle: true, spec };
      if (t.ws && spec !== '') spec += ' ';
      spec += t.v;
    }
  }
  return null;
}

function union(a: ReadonlySet<string> | undefined, ...names: string[]): ReadonlySet<string> {
  if (names.every((n) => a?.has(n))) return a as ReadonlySet<string>;
  const s = new Set(a);
  names.forEach((n) => s.add(n));
  return s;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  if (!a || !b) return undefined;
  return new Set([...a].filter((n) => b.has(n)));
}

const PUNCT3 = ['...', '%:%:', '<<=', '>>='];
const PUNCT2 = [
  '##',
  '%:',
  '->',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '::',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
];

/** pp-tokens of a directive's text (comments are already spaces, continuations joined). */
function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let ws = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\n') {
      ws = true;
      i++;
      continue;
    }
    let m: RegExpExecArray | null;
    const rest = text.slice(i);
    if ((m = /^(?:u8|[uUL])?(?:"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)/.exec(rest)) && m[0].length > 0 && /["']/.test(m[0])) {
      out.push({ k: 'str', v: m[0], ws });
    } else if ((m = /^[A-Za-z_$\x80-\uffff][\w$\x80-\uffff]*/.exec(rest))) {
      out.push({ k: 'id', v: m[0], ws });
    } else if ((m = /^\.?\d(?:[eEpP][+-]|'[\w]|[\w.])*/.exec(rest))) {
      out.push({ k: 'num', v: m[0], ws });
    } else {
      const p = PUNCT3.find((q) => rest.startsWith(q)) ?? PUNCT2.find((q) => rest.startsWith(q)) ?? c;
      const v = p === '%:%:' ? '##' : p === '%:' ? '#' : p;
      out.push({ k: 'p', v, ws });
      i += p.length;
      ws = false;
      continue;
    }
    i += m[0].length;
    ws = false;
  }
  return out;
}
