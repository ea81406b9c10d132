// Orders of the scanner's outputs: every list a closure reports is sorted by UTF-16 code unit (what
// JavaScript's default sort does, and what makes a closure byte-identical across machines and locales).

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byLocation<T extends { file: string; line: number }>(a: T, b: T): number {
  return byCodeUnit(a.file, b.file) || a.line - b.line || byCodeUnit(JSON.stringify(a), JSON.stringify(b));
}
