// A small C++ lexer for sketch text (LF-only). It only needs to be right about what can hide braces and
// parentheses from a naive scan: comments, string/char/raw-string literals, and preprocessor lines (which
// become one `pp` token each, continuation lines included). Everything else is identifiers, numbers and
// punctuation; `spaceBefore` remembers whether whitespace or a comment separated a token from the previous
// one, so a declaration can be re-rendered from tokens with comments dropped and whitespace collapsed.
// The lexer never throws: text gcc would reject (an unterminated literal or comment) is tokenised leniently
// and left for the compiler to report at its real line, because `#if 0` blocks legally hold such text.

export type TokenKind = 'id' | 'num' | 'str' | 'chr' | 'punct' | 'pp';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based line of the token's first character. */
  line: number;
  spaceBefore: boolean;
}

// Longest first, so `::` wins over `:`. `<<`/`>>` are deliberately absent: `>>` closes two template lists.
const PUNCT = ['...', '::', '->', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '##'];

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let space = false;
  // True until the first token of a line: only there does `#` start a directive.
  let lineStart = true;
  const n = src.length;

  const push = (kind: TokenKind, text: string, tokLine: number) => {
    out.push({ kind, text, line: tokLine, spaceBefore: space });
    space = false;
    lineStart = false;
  };

  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      space = true;
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v') {
      i++;
      space = true;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      // A line comment ends at the newline, unless that newline is escaped (a legal, if cursed, continuation).
      while (i < n && src[i] !== '\n') {
        if (src[i] === '\\' && src[i + 1] === '\n') {
          i++;
          line++;
        }
        i++;
      }
      space = true;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const found = src.indexOf('*/', i + 2);
      const end = found < 0 ? n : found;
      for (let k = i; k < end; k++) if (src[k] === '\n') line++;
      i = end + 2;
      space = true;
      continue;
    }
    if (c === '#' && lineStart) {
      const start = line;
      let text = '';
      while (i < n && src[i] !== '\n') {
        if (src[i] === '\\' && src[i + 1] === '\n') {
          i += 2;
          line++;
          text += ' ';
          continue;
        }
        if (src[i] === '/' && src[i + 1] === '*') {
          const found = src.indexOf('*/', i + 2);
          const end = found < 0 ? n : found;
          for (let k = i; k < end; k++) if (src[k] === '\n') line++;
          i = end + 2;
          text += ' ';
          continue;
        }
        if (src[i] === '/' && src[i + 1] === '/') {
          while (i < n && src[i] !== '\n') i++;
          break;
        }
        if (src[i] === '"' || src[i] === "'") {
          const j = skipQuoted(src, i);
          text += src.slice(i, j);
          i = j;
          continue;
        }
        text += src[i++];
      }
      push('pp', text.replace(/\s+/g, ' ').trim(), start);
      continue;
    }
    // Raw strings: R"delim( ... )delim", optionally prefixed (u8R, LR, uR, UR).
    const raw = /^(?:u8|[uUL])?R"([^ ()\\\t\n]{0,16})\(/.exec(src.slice(i, i + 24));
    if (raw) {
      const close = `)${raw[1]}"`;
      const found = src.indexOf(close, i + raw[0].length);
      const end = found < 0 ? n - close.length : found;
      const start = line;
      for (let k = i; k < end; k++) if (src[k] === '\n') line++;
      push('str', src.slice(i, end + close.length), start);
      i = end + close.length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c) || c.charCodeAt(0) > 0x7f) {
      let j = i + 1;
      while (j < n && (/[A-Za-z0-9_$]/.test(src[j]) || src.charCodeAt(j) > 0x7f)) j++;
      const word = src.slice(i, j);
      // Encoding prefixes glue onto a following literal: u8"x", L'x'.
      if ((src[j] === '"' || src[j] === "'") && /^(u8|u|U|L)$/.test(word)) {
        const k = skipQuoted(src, j);
        push(src[j] === '"' ? 'str' : 'chr', src.slice(i, k), line);
        i = k;
        continue;
      }
      push('id', word, line);
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      // pp-number: digits, letters, dots, digit separators and signed exponents.
      let j = i + 1;
      while (j < n) {
        if (/[eEpP]/.test(src[j]) && /[+-]/.test(src[j + 1] ?? '')) {
          j += 2;
          continue;
        }
        if (/[A-Za-z0-9_.]/.test(src[j]) || (src[j] === "'" && /[0-9A-Fa-f]/.test(src[j + 1] ?? ''))) {
          j++;
          continue;
        }
        break;
      }
      push('num', src.slice(i, j), line);
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      const j = skipQuoted(src, i);
      push(c === '"' ? 'str' : 'chr', src.slice(i, j), line);
      i = j;
      continue;
    }
    const p = PUNCT.find((q) => src.startsWith(q, i)) ?? c;
    push('punct', p, line);
    i += p.length;
  }
  return out;
}

/** Index just past the closing quote of the literal at `i`, or the end of its line if it is unterminated. */
function skipQuoted(src: string, i: number): number {
  const q = src[i];
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\' && src[j + 1] !== '\n') {
      j += 2;
      continue;
    }
    if (c === q) return j + 1;
    if (c === '\n') return j;
    j++;
  }
  return j;
}
