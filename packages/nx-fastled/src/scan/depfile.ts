// Parser for the make-rule dependency files gcc writes with -M/-MD:
//   target.o: first.cpp a.h \
//    b\ with\ space.h c$$dollar.h
// Returns the prerequisites in order, unescaped (`\ ` is a space, `$$` a dollar, `\#` a hash), without
// duplicates. Used to check closures against the compiler (validation, tests).

export function parseDepfile(text: string, source = '<depfile>'): string[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const colon = findRuleColon(joined);
  if (colon < 0) throw new Error(`${source}:1: no 'target:' rule in dependency output`);
  // -MP adds empty rules ("header.h:") after the first; only the first rule's prerequisites matter
  const firstRule = joined.slice(colon + 1).split(/\r?\n/)[0];
  const deps: string[] = [];
  let current = '';
  for (let i = 0; i < firstRule.length; i++) {
    const c = firstRule[i];
    if (c === '\\' && (firstRule[i + 1] === ' ' || firstRule[i + 1] === '#')) {
      current += firstRule[++i];
    } else if (c === '$' && firstRule[i + 1] === '$') {
      current += '$';
      i++;
    } else if (c === ' ' || c === '\t') {
      if (current) deps.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current) deps.push(current);
  return [...new Set(deps)];
}

/** The colon that ends the target list: not an escaped one, not a drive letter (C:\...). */
function findRuleColon(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ':' || text[i - 1] === '\\') continue;
    if (/^[A-Za-z]$/.test(text[i - 1] ?? '') && (i === 1 || /\s/.test(text[i - 2])) && /[\\/]/.test(text[i + 1] ?? '')) {
      continue;
    }
    return i;
  }
  return -1;
}
