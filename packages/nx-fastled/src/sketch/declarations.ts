// The top-level declarations of a sketch, found the way the Arduino builder's ctags pass sees them:
// free function definitions and declarations, user type names, and the conditional (#if) context each one
// sits in. Bodies of functions, classes, structs, enums, unions, namespaces and initialisers are skipped as
// balanced brace blocks, so member functions never count as free functions. Inside `#if/#elif/#else`,
// every branch is scanned from the brace state at its `#if` (as ctags does), because we cannot know which
// branch the board's preprocessor will take; the first branch's end state continues after `#endif`.

import { Token } from './lexer';

export interface Located {
  file: number;
  line: number;
}

/** One `#if` frame: the directives of the branch chain up to and including the current branch. */
export type CondContext = readonly (readonly string[])[];

export interface FunctionDecl extends Located {
  name: string;
  /** The declaration as written up to and including the trailing qualifiers, comments dropped. */
  text: string;
  /** Identity used to recognise an existing prototype: tokens without storage-class words. */
  key: string;
  template: boolean;
  externC: boolean;
  /** A parameter has a default value (`=` inside the parameter list). */
  hasDefault: boolean;
  cond: CondContext;
  /** Identifiers of the declaration, to spot types the sketch declares later. */
  identifiers: string[];
}

export interface TypeDecl extends Located {
  name: string;
}

export interface TopLevel {
  definitions: FunctionDecl[];
  declarations: FunctionDecl[];
  types: TypeDecl[];
  /** Top-level statements that are not functions (variables, tables), for the function-pointer rule. */
  statements: { loc: Located; tokens: Token[]; cond: CondContext }[];
}

export interface FileTokens {
  tokens: Token[];
}

const NOT_A_NAME = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
  'alignof',
  'alignas',
  'decltype',
  'static_assert',
  '__attribute__',
  '__declspec',
  'defined',
  'throw',
  'noexcept',
  'new',
  'delete',
  'catch',
  'void',
  'int',
  'char',
  'long',
  'short',
  'unsigned',
  'signed',
  'float',
  'double',
  'bool',
  'auto',
  'const',
  'volatile',
  'static',
  'inline',
  'extern',
  'struct',
  'class',
  'union',
  'enum',
  'typename',
  'template',
  'typedef',
  'using',
  'namespace',
  'operator',
  'constexpr',
  'explicit',
  'virtual',
  'register',
  'mutable',
]);
const STORAGE = new Set(['static', 'inline', 'extern', '__inline', '__inline__']);
// What may follow the parameter list of a free function before `{` or `;`.
const TRAILING_WORDS = new Set(['const', 'volatile', 'noexcept', 'throw', '__attribute__', 'override', 'final', 'try']);

/** A marker standing for a skipped `{...}` block inside a statement (`struct S {...} s;`). */
const BLOCK: Token = { kind: 'punct', text: '{}', line: 0, spaceBefore: true };

interface BranchState {
  skip: number;
  skipKind: 'fn' | 'other';
  externC: number[];
  stmt: Token[];
}
interface Frame {
  directives: string[];
  atIf: BranchState;
  firstEnd: BranchState | null;
}

export function scanTopLevel(files: FileTokens[]): TopLevel {
  const result: TopLevel = { definitions: [], declarations: [], types: [], statements: [] };
  const frames: Frame[] = [];
  // Brace depth inside a skipped block; 0 means we are at file scope (or directly in `extern "C" {}`).
  let skip = 0;
  let skipKind: 'fn' | 'other' = 'other';
  // Depths at which `extern "C" {` blocks were opened (their content is still file scope).
  let externC: number[] = [];
  let stmt: Token[] = [];
  let stmtFile = 0;

  const snapshot = (): BranchState => ({ skip, skipKind, externC: [...externC], stmt: [...stmt] });
  const restore = (s: BranchState) => {
    skip = s.skip;
    skipKind = s.skipKind;
    externC = [...s.externC];
    stmt = [...s.stmt];
  };
  const cond = (): CondContext => frames.map((f) => [...f.directives]);

  files.forEach(({ tokens }, file) => {
    for (const t of tokens) {
      if (t.kind === 'pp') {
        const m = /^#\s*(\w+)/.exec(t.text);
        const d = m ? m[1] : '';
        if (d === 'if' || d === 'ifdef' || d === 'ifndef') {
          frames.push({ directives: [t.text], atIf: snapshot(), firstEnd: null });
        } else if ((d === 'elif' || d === 'else' || d === 'elifdef' || d === 'elifndef') && frames.length) {
          const f = frames[frames.length - 1];
          if (!f.firstEnd) f.firstEnd = snapshot();
          f.directives.push(t.text);
          restore(f.atIf);
        } else if (d === 'endif' && frames.length) {
          const f = frames.pop() as Frame;
          if (f.firstEnd) restore(f.firstEnd);
        }
        continue;
      }
      if (skip > 0) {
        if (t.text === '{') skip++;
        else if (t.text === '}') skip--;
        if (skip === 0) {
          if (skipKind === 'fn') stmt = [];
        } else if (skipKind === 'other') {
          // An initialiser's or a class's tokens stay in the statement (after the BLOCK marker): the
          // function-pointer rule looks at `{ &handler }` tables, and typedef names follow struct bodies.
          stmt.push(t);
        }
        continue;
      }
      if (stmt.length === 0) stmtFile = file;
      if (t.text === ';') {
        endStatement(result, stmt, stmtFile, externC.length > 0, cond(), false);
        stmt = [];
      } else if (t.text === '{') {
        const kind = endStatement(result, stmt, stmtFile, externC.length > 0, cond(), true);
        if (kind === 'externC') {
          externC.push(0);
          stmt = [];
        } else if (kind === 'function' || kind === 'namespace' || bodyLike(stmt)) {
          skip = 1;
          skipKind = 'fn';
        } else {
          skip = 1;
          skipKind = 'other';
          stmt.push(BLOCK);
        }
      } else if (t.text === '}') {
        if (externC.length) externC.pop();
        stmt = [];
      } else {
        stmt.push(t);
      }
    }
    // A file ends its last statement: files are separate in the editor even if gcc sees one stream.
    stmt = [];
  });
  return result;
}

/**
 * A block that ends its statement although it is no function we prototype: `ISR(TIMER1_COMPA_vect) {`,
 * `X::method() {`, `void (*f(int))(int) {`. Only type definitions and `= {...}` initialisers continue
 * after their closing brace (up to the `;`).
 */
function bodyLike(stmt: Token[]): boolean {
  let depth = 0;
  let call = false;
  for (const t of stmt) {
    if (depth === 0 && (t.text === '=' || /^(struct|class|union|enum|typedef)$/.test(t.text))) return false;
    if (t.text === '(') {
      if (depth === 0) call = true;
      depth++;
    } else if (t.text === ')') depth--;
  }
  return call;
}

type StatementKind = 'function' | 'namespace' | 'externC' | 'other';

function endStatement(
  out: TopLevel,
  stmt: Token[],
  file: number,
  inExternC: boolean,
  cond: CondContext,
  opensBlock: boolean,
): StatementKind {
  if (stmt.length === 0) return 'other';
  const loc = { file, line: stmt[0].line };
  const words = stmt.map((t) => t.text);
  if (opensBlock && words.length === 2 && words[0] === 'extern' && stmt[1].kind === 'str') return 'externC';
  if (words.includes('namespace') && opensBlock && !words.includes('=')) return 'namespace';
  collectTypes(out, stmt, file);
  const fn = functionShape(stmt);
  if (fn) {
    const decl: FunctionDecl = { ...loc, ...fn, externC: inExternC || fn.externC, cond };
    (opensBlock ? out.definitions : out.declarations).push(decl);
    return 'function';
  }
  if (!opensBlock) out.statements.push({ loc, tokens: stmt, cond });
  return 'other';
}

/** Names introduced by `struct X`, `class X`, `union X`, `enum [class] X`, `typedef ... X;`, `using X =`. */
function collectTypes(out: TopLevel, stmt: Token[], file: number): void {
  const w = stmt.map((t) => t.text);
  for (let i = 0; i + 1 < stmt.length; i++) {
    if (/^(struct|class|union|enum)$/.test(w[i]) && w[i - 1] !== '<' && w[i - 1] !== ',') {
      let j = i + 1;
      if (w[i] === 'enum' && (w[j] === 'class' || w[j] === 'struct')) j++;
      // Only a declaration of the type itself: followed by `{`, `:`, `;`, or nothing (`struct X;`).
      if (stmt[j]?.kind === 'id' && (j + 1 === stmt.length || ['{}', ':', ';'].includes(w[j + 1]))) {
        out.types.push({ file, line: stmt[j].line, name: w[j] });
      }
    }
  }
  if (w[0] === 'typedef') {
    // The declared name is the last identifier not inside parentheses, or the one after `(*` (pointers).
    const fp = w.indexOf('*');
    const name = w[fp - 1] === '(' && stmt[fp + 1]?.kind === 'id' ? stmt[fp + 1] : [...stmt].reverse().find((t) => t.kind === 'id');
    if (name) out.types.push({ file, line: name.line, name: name.text });
  }
  if (w[0] === 'using' && stmt[1]?.kind === 'id' && w[2] === '=') {
    out.types.push({ file, line: stmt[1].line, name: w[1] });
  }
}

interface Shape {
  name: string;
  text: string;
  key: string;
  template: boolean;
  externC: boolean;
  hasDefault: boolean;
  identifiers: string[];
}

/** Recognises `[template<...>] [extern "C"] <type> name(<params>) <qualifiers>` and renders it. */
function functionShape(stmt: Token[]): Shape | null {
  if (stmt.includes(BLOCK)) return null;
  let start = 0;
  let template = false;
  let externC = false;
  if (stmt[0].text === 'template' && stmt[1]?.text === '<') {
    const close = matchAngle(stmt, 1);
    if (close < 0) return null;
    template = true;
    start = close + 1;
  }
  if (stmt[start]?.text === 'extern' && stmt[start + 1]?.kind === 'str') {
    externC = true;
    start += 2;
  }
  if (['typedef', 'using', 'friend', 'static_assert'].includes(stmt[start]?.text)) return null;
  // The parameter list is the first `(` outside any (), [], <> nesting.
  let depth = 0;
  let open = -1;
  for (let i = start; i < stmt.length; i++) {
    const x = stmt[i].text;
    if (x === '=' && depth === 0) return null;
    if (x === '(' && depth === 0) {
      open = i;
      break;
    }
    if (x === '(' || x === '[' || x === '<') depth++;
    else if (x === ')' || x === ']' || x === '>') depth--;
  }
  if (open < 0) return null;
  let nameStart = open - 1;
  let name: string;
  const opIdx = stmt.slice(start, open).findIndex((t) => t.text === 'operator');
  if (opIdx >= 0) {
    nameStart = start + opIdx;
    name = stmt
      .slice(nameStart, open)
      .map((t) => t.text)
      .join('')
      .replace(/^operator/, 'operator ');
  } else {
    const t = stmt[nameStart];
    if (!t || t.kind !== 'id' || NOT_A_NAME.has(t.text)) return null;
    name = t.text;
  }
  // `X::name(` is a member or a namespaced function defined out of line: ctags tags it with its class.
  if (stmt[nameStart - 1]?.text === '::') return null;
  const returnType = stmt.slice(start, nameStart);
  if (!returnType.some((t) => t.kind === 'id')) return null;
  const close = matchParen(stmt, open);
  if (close < 0) return null;
  // Only qualifiers, attributes and a trailing return type may follow; anything else (an initialiser, a
  // second parameter list as in `void (*f(int))(int)`) is not a plain function declaration.
  let end = stmt.length;
  for (let i = close + 1; i < stmt.length; i++) {
    const x = stmt[i].text;
    if (x === '->') {
      end = stmt.length;
      break;
    }
    if (TRAILING_WORDS.has(x) || x === '&' || x === '&&') {
      if (stmt[i + 1]?.text === '(') {
        i = matchParen(stmt, i + 1);
        if (i < 0) return null;
      }
      continue;
    }
    if (x === '[' && stmt[i + 1]?.text === '[') {
      const j = stmt.findIndex((t, k) => k > i + 1 && t.text === ']' && stmt[k + 1]?.text === ']');
      if (j < 0) return null;
      i = j + 1;
      continue;
    }
    return null;
  }
  const params = stmt.slice(open + 1, close);
  const hasDefault = params.some((t) => t.text === '=');
  const decl = stmt.slice(start, end);
  const keyTokens = decl.filter((t, i) => !(i < nameStart - start && STORAGE.has(t.text)));
  // `extern "C"` is dropped from the text: the caller re-adds it as a modifier, as the builder does.
  const templateHead = template ? stmt.slice(0, externC ? start - 2 : start) : [];
  return {
    name,
    text: render([...templateHead, ...decl]),
    key: keyTokens.map((t) => t.text).join(' '),
    template,
    externC,
    hasDefault,
    identifiers: decl.filter((t) => t.kind === 'id').map((t) => t.text),
  };
}

function matchParen(t: Token[], open: number): number {
  let d = 0;
  for (let i = open; i < t.length; i++) {
    if (t[i].text === '(') d++;
    else if (t[i].text === ')' && --d === 0) return i;
  }
  return -1;
}

function matchAngle(t: Token[], open: number): number {
  let d = 0;
  let paren = 0;
  for (let i = open; i < t.length; i++) {
    const x = t[i].text;
    if (x === '(') paren++;
    else if (x === ')') paren--;
    else if (paren === 0 && x === '<') d++;
    else if (paren === 0 && x === '>' && --d === 0) return i;
  }
  return -1;
}

/** Tokens back to text: one space wherever the source had whitespace or a comment, none elsewhere. */
export function render(tokens: Token[]): string {
  return tokens.map((t, i) => (i > 0 && t.spaceBefore ? ' ' : '') + t.text).join('');
}
