// Extracts from C/C++ source text every preprocessor construct that can make the output depend on another
// file: #include/#include_next/#import/#embed, __has_include/__has_include_next/__has_embed, includes whose
// target is computed (macros), and the function-like macros that forward an argument to __has_include
// (FastLED's `FL_HAS_INCLUDE(x)`), together with the calls of such macros in directives.
//
// The lexer is deliberately permissive: it never evaluates conditionals (every branch counts) and every
// ambiguity is resolved towards seeing *more* directives. The only states that can hide a line from us are
// block comments and raw strings, which we lex the way gcc does; string and character literals end at the
// end of a logical line, so a stray apostrophe can never swallow a following directive.
//
// The result is plain JSON (it is stored in the directive cache) and is a pure function of the text.

/** How a reference searches: `include` as #include, `next` as #include_next. */
export type RefKind = 'include' | 'next';

export interface IncludeRef {
  kind: RefKind;
  /** true for `<x>`, false for `"x"` */
  angle: boolean;
  spec: string;
  line: number;
  /** a __has_include-style probe: the file's presence matters, its absence is not an error */
  probe?: true;
}

/** A reference whose target cannot be determined statically (`#include MACRO`, `__has_include(MACRO)`). */
export interface ComputedRef {
  line: number;
  text: string;
}

/** An argument of a macro call: a header name, a parameter of the enclosing #define, or anything else (null). */
export type MacroArg = { angle: boolean; spec: string } | { param: number } | null;

/** A call `NAME(args)` inside a #if/#elif/#define with at least one argument that could name a header. */
export interface MacroCall {
  name: string;
  line: number;
  args: MacroArg[];
}

/** In a function-like #define, parameter `param` is passed as argument `arg` of `callee`. */
export interface ForwardEdge {
  macro: string;
  param: number;
  callee: string;
  arg: number;
}

export interface Directives {
  refs: IncludeRef[];
  computed: ComputedRef[];
  calls: MacroCall[];
  forwards: ForwardEdge[];
  /**
   * The file's #defines of the names that can matter for computed includes (IncludeScanner.addMacroNames):
   * `n` is how many of the scanner's relevant names (a persisted, append-only list) have been looked for, `d` what was
   * found. Absent until the file was looked at for any name. Mutable: grows when the relevant names do.
   */
  macros?: { n: number; d: MacroDef[] };
}

/** A #define: object-like when `params` is null; a variadic last parameter is spelled `...` or `name...`. */
export interface MacroDef {
  name: string;
  params: string[] | null;
  /** the replacement list, comments replaced by spaces, continuations joined, trimmed */
  body: string;
  line: number;
}

/** What one lexing pass found besides the directives: every defined name, and the wanted definitions. */
export interface LexResult {
  directives: Directives;
  /** every name the file #defines (in any branch), in order, with repetitions */
  defined: string[];
  /** the definitions of the names `wanted` accepted */
  defines: MacroDef[];
}

/** Names that probe for a file; gcc 5 spells them with trailing underscores. */
export const PROBES: ReadonlyMap<string, RefKind> = new Map<string, RefKind>([
  ['__has_include', 'include'],
  ['__has_include__', 'include'],
  ['__has_include_next', 'next'],
  ['__has_include_next__', 'next'],
  ['__has_embed', 'include'],
]);

const INCLUDE_DIRECTIVES: ReadonlyMap<string, RefKind> = new Map<string, RefKind>([
  ['include', 'include'],
  ['import', 'include'],
  ['embed', 'include'],
  ['include_next', 'next'],
]);

const EXPRESSION_DIRECTIVES = new Set(['if', 'elif', 'define']);

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 128;
const isIdentChar = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHSpace = (c: number): boolean => c === 32 || c === 9 || c === 11 || c === 12;

const RAW_PREFIXES = new Set(['R', 'LR', 'uR', 'UR', 'u8R']);

/** Parses `text` (already decoded; line numbers are 1-based physical lines). */
export function parseDirectives(text: string): Directives {
  return new Lexer(text).run().directives;
}

/** One pass that also reports the defined names, and the definitions of the names `wanted` accepts. */
export function lexFile(text: string, wanted?: (name: string) => boolean): LexResult {
  return new Lexer(text, wanted).run();
}

class Lexer {
  private i = 0;
  private line = 1;
  private readonly n: number;
  private readonly out: Directives = { refs: [], computed: [], calls: [], forwards: [] };
  private readonly defined: string[] = [];
  private readonly defines: MacroDef[] = [];

  constructor(
    private readonly s: string,
    private readonly wanted?: (name: string) => boolean,
  ) {
    this.n = s.length;
    // A byte-order mark is not a token; it must not stop the first line from being a directive.
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
    else if (s.startsWith('\u00ef\u00bb\u00bf')) this.i = 3; // the same mark decoded as latin1
  }

  run(): LexResult {
    const s = this.s;
    let atLineStart = true;
    while (this.i < this.n) {
      const c = s.charCodeAt(this.i);
      if (c === 10 || c === 13) {
        this.newline();
        atLineStart = true;
      } else if (c === 92 /* \ */ && this.splice()) {
        // a line continuation joins two physical lines: still the same logical line
      } else if (isHSpace(c)) {
        this.i++;
      } else if (c === 47 /* / */ && s.charCodeAt(this.i + 1) === 42) {
        this.blockComment();
      } else if (c === 47 && s.charCodeAt(this.i + 1) === 47) {
        this.lineComment();
      } else if (atLineStart && this.directiveStart()) {
        this.directive();
        atLineStart = true;
      } else {
        atLineStart = false;
        if (c === 34 /* " */ || c === 39 /* ' */) this.quoted(c, null);
        else if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(this.i + 1)))) this.ppNumber();
        else if (isIdentStart(c)) this.identifierOrRawString(null);
        else this.i++;
      }
    }
    return { directives: this.out, defined: this.defined, defines: this.defines };
  }

  // ---- low-level lexing; each function appends what it consumes to `buf` when one is given ----

  private newline(): void {
    if (this.s.charCodeAt(this.i) === 13 && this.s.charCodeAt(this.i + 1) === 10) this.i++;
    this.i++;
    this.line++;
  }

  /** Consumes a backslash-newline (gcc also accepts spaces between them) and reports whether it did. */
  private splice(): boolean {
    let j = this.i + 1;
    while (isHSpace(this.s.charCodeAt(j))) j++;
    const c = this.s.charCodeAt(j);
    if (c !== 10 && c !== 13) return false;
    this.i = j;
    this.newline();
    return true;
  }

  private blockComment(): void {
    this.i += 2;
    while (this.i < this.n) {
      const c = this.s.charCodeAt(this.i);
      if (c === 42 && this.s.charCodeAt(this.i + 1) === 47) {
        this.i += 2;
        return;
      }
      if (c === 10 || c === 13) this.newline();
      else this.i++;
    }
  }

  /** A // comment runs to the end of the logical line: a trailing backslash continues it. */
  private lineComment(): void {
    while (this.i < this.n) {
      const c = this.s.charCodeAt(this.i);
      if (c === 10 || c === 13) return;
      if (c === 92 && this.splice()) continue;
      this.i++;
    }
  }

  /** A string or character literal; it ends at its closing quote or at the end of the logical line. */
  private quoted(quote: number, buf: string[] | null): void {
    const start = this.i++;
    while (this.i < this.n) {
      const c = this.s.charCodeAt(this.i);
      if (c === 10 || c === 13) break;
      if (c === 92) {
        if (this.splice()) continue;
        this.i += 2;
        continue;
      }
      this.i++;
      if (c === quote) break;
    }
    if (buf) buf.push(this.s.slice(start, Math.min(this.i, this.n)).replace(/\\[ \t]*\r?\n/g, ''));
  }

  /** A pp-number, so that C++14 digit separators (1'000) are not taken for character literals. */
  private ppNumber(): void {
    const s = this.s;
    this.i++;
    while (this.i < this.n) {
      const c = s.charCodeAt(this.i);
      if ((c === 43 || c === 45) && /[eEpP]/.test(s[this.i - 1])) this.i++;
      else if (c === 39 && isIdentChar(s.charCodeAt(this.i + 1))) this.i += 2;
      else if (isIdentChar(c) || c === 46) this.i++;
      else break;
    }
  }

  private identifierOrRawString(buf: string[] | null): void {
    const start = this.i;
    while (this.i < this.n && isIdentChar(this.s.charCodeAt(this.i))) this.i++;
    const word = this.s.slice(start, this.i);
    if (this.s.charCodeAt(this.i) === 34 && RAW_PREFIXES.has(word) && this.rawString(buf, word)) return;
    if (buf) buf.push(word);
  }

  /** R"delim( ... )delim" may span lines and contain anything. False (nothing consumed) if malformed. */
  private rawString(buf: string[] | null, prefix: string): boolean {
    const open = this.s.indexOf('(', this.i + 1);
    if (open < 0 || open - this.i - 1 > 16) return false;
    const delim = this.s.slice(this.i + 1, open);
    if (/[\s\\()]/.test(delim)) return false;
    const close = this.s.indexOf(`)${delim}"`, open + 1);
    if (close < 0) return false;
    const end = close + delim.length + 2;
    const body = this.s.slice(this.i, end);
    for (let k = 0; k < body.length; k++) {
      const c = body.charCodeAt(k);
      if (c === 10 || (c === 13 && body.charCodeAt(k + 1) !== 10)) this.line++;
    }
    if (buf) buf.push(prefix + body.replace(/\r?\n|\r/g, ' '));
    this.i = end;
    return true;
  }

  /** `#`, or its digraph `%:` or trigraph `??=`, at the start of a logical line. */
  private directiveStart(): boolean {
    const s = this.s;
    if (s.charCodeAt(this.i) === 35) {
      this.i += 1;
      return true;
    }
    if (s.startsWith('%:', this.i) && !s.startsWith('%:%:', this.i)) {
      this.i += 2;
      return true;
    }
    if (s.startsWith('??=', this.i)) {
      this.i += 3;
      return true;
    }
    return false;
  }

  // ---- directives ----

  /** Reads the rest of a directive (after `#`) as one logical line with comments replaced by spaces. */
  private directive(): void {
    const line = this.line;
    const buf: string[] = [];
    let name: string | null = null;
    while (this.i < this.n) {
      const c = this.s.charCodeAt(this.i);
      if (c === 10 || c === 13) break;
      if (c === 92 && this.splice()) continue;
      if (c === 47 && this.s.charCodeAt(this.i + 1) === 42) {
        this.blockComment();
        buf.push(' ');
      } else if (c === 47 && this.s.charCodeAt(this.i + 1) === 47) {
        this.lineComment();
      } else if (c === 34 || c === 39) {
        this.quoted(c, buf);
      } else if (isIdentStart(c)) {
        const before = this.i;
        this.identifierOrRawString(buf);
        if (name === null) {
          name = this.s.slice(before, this.i);
          if (INCLUDE_DIRECTIVES.has(name)) this.headerName(buf);
        }
      } else if (isDigit(c)) {
        const start = this.i;
        this.ppNumber();
        buf.push(this.s.slice(start, this.i));
        name ??= '';
      } else {
        buf.push(this.s[this.i++]);
        if (!isHSpace(c)) name ??= '';
      }
    }
    if (!name) return;
    const joined = buf.join('');
    const rest = joined.slice(joined.indexOf(name) + name.length);
    const kind = INCLUDE_DIRECTIVES.get(name);
    if (kind) this.includeDirective(kind, rest.trim(), line);
    else if (EXPRESSION_DIRECTIVES.has(name)) this.expression(name, rest, line);
  }

  /** After #include, `<...>` is a header name: `//`, `/*` and quotes inside it mean nothing. */
  private headerName(buf: string[]): void {
    let j = this.i;
    while (isHSpace(this.s.charCodeAt(j))) j++;
    if (this.s.charCodeAt(j) !== 60) return;
    let k = j + 1;
    while (k < this.n && this.s[k] !== '>' && this.s[k] !== '\n' && this.s[k] !== '\r') k++;
    if (this.s[k] !== '>') return;
    buf.push(' ', this.s.slice(j, k + 1));
    this.i = k + 1;
  }

  private includeDirective(kind: RefKind, rest: string, line: number): void {
    const header = headerNameAt(rest);
    if (header && header.end === rest.length) {
      this.out.refs.push({ kind, angle: header.angle, spec: header.spec, line });
    } else if (header && /^\s*(?:[A-Za-z_]\w*\s*(?:\(.*\))?\s*)*$/.test(rest.slice(header.end))) {
      // #embed "x" limit(4) etc.: parameters after the name do not change which file is read
      this.out.refs.push({ kind, angle: header.angle, spec: header.spec, line });
    } else if (rest.length > 0) {
      this.out.computed.push({ line, text: rest });
    }
  }

  /** #if/#elif/#define: probes with literal names, probes of macros, and calls of function-like macros. */
  private expression(name: string, rest: string, line: number): void {
    let body = rest;
    let params: string[] = [];
    let macro = '';
    if (name === 'define') {
      const m = /^\s*([A-Za-z_$][\w$]*)(\(([^)]*)\))?/.exec(rest);
      if (!m) return;
      macro = m[1];
      if (m[2] !== undefined) params = m[3].split(',').map((p) => p.trim());
      body = rest.slice(m[0].length);
      this.defined.push(macro);
      if (this.wanted?.(macro)) {
        this.defines.push({
          name: macro,
          params: m[2] === undefined ? null : params.length === 1 && params[0] === '' ? [] : params,
          body: body.trim(),
          line,
        });
      }
    }
    for (const call of findCalls(body)) {
      const probe = PROBES.get(call.name);
      const args = call.args.map((a) => a.trim());
      if (probe) {
        const header = args.length === 1 ? headerNameAt(args[0]) : null;
        const param = args.length === 1 ? params.indexOf(args[0]) : -1;
        if (header && header.end === args[0].length) {
          this.out.refs.push({ kind: probe, angle: header.angle, spec: header.spec, line, probe: true });
        } else if (param >= 0) {
          this.out.forwards.push({ macro, param, callee: call.name, arg: 0 });
        } else {
          this.out.computed.push({ line, text: `${call.name}(${call.args.join(',')})` });
        }
        continue;
      }
      if (call.name === 'defined') continue;
      const recorded: MacroCall['args'] = [];
      let interesting = false;
      args.forEach((arg, index) => {
        const param = params.indexOf(arg);
        if (param >= 0) {
          this.out.forwards.push({ macro, param, callee: call.name, arg: index });
          recorded.push({ param });
          return;
        }
        const header = headerNameAt(arg);
        if (header && header.end === arg.length) {
          recorded.push({ angle: header.angle, spec: header.spec });
          interesting = true;
        } else {
          recorded.push(null);
          if (arg.length > 0 && !/^-?\d/.test(arg)) interesting = true;
        }
      });
      if (interesting) this.out.calls.push({ name: call.name, line, args: recorded });
    }
  }
}

/** `"x"` or `<x>` at the start of `text` (after spaces). */
export function headerNameAt(text: string): { angle: boolean; spec: string; end: number } | null {
  const m = /^\s*(?:"([^"]*)"|<([^>]*)>)\s*/.exec(text);
  if (!m) return null;
  return m[1] !== undefined ? { angle: false, spec: m[1], end: m[0].length } : { angle: true, spec: m[2], end: m[0].length };
}

/** Every `IDENT ( args )` in an expression, nested calls included, with top-level arguments split. */
function findCalls(text: string): { name: string; args: string[] }[] {
  const calls: { name: string; args: string[] }[] = [];
  const re = /([A-Za-z_$][\w$]*)\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    // skip identifiers that are the tail of a string literal or a pp-number
    const before = text[m.index - 1];
    if (before !== undefined && /[\w$"'.]/.test(before)) continue;
    const args: string[] = [];
    let depth = 0;
    let current = '';
    for (let k = m.index + m[0].length; k < text.length; k++) {
      const ch = text[k];
      if (ch === '"' || ch === "'") {
        const end = text.indexOf(ch, k + 1);
        const stop = end < 0 ? text.length : end + 1;
        current += text.slice(k, stop);
        k = stop - 1;
      } else if (ch === '(') {
        depth++;
        current += ch;
      } else if (ch === ')') {
        if (depth === 0) break;
        depth--;
        current += ch;
      } else if (ch === ',' && depth === 0) {
        args.push(current);
        current = '';
      } else {
        current += ch;
      }
    }
    // an unclosed call is kept too: the arguments seen so far may still name a header
    args.push(current);
    calls.push({ name: m[1], args });
    re.lastIndex = m.index + m[0].length;
  }
  return calls;
}
