// Which prototypes a sketch gets, and where: the Arduino builder's rules (arduino-cli's ctags parser and
// preprocessor/ctags.go), applied to our own scan of the sketch instead of ctags output.
//   - every free function definition gets one (setup/loop included, templates included, `static` kept,
//     `extern "C"` re-added), except when
//   - a declaration with the same tokens already exists anywhere in the sketch,
//   - an earlier definition in the same #if branch produced the same prototype (duplicates),
//   - the prototype would contain `=`: a default argument must appear once, in the first declaration,
//     so the builder leaves such functions alone (the same rule drops `operator==`).
// They go before the first function definition of the main file, or earlier if a top-level table takes a
// function's address (`&f`, `(f)`) before it.
// The builder runs `gcc -E` first, so it only sees the #if branches the board takes, and "first function"
// means first *active* one. We have no board here (the output must depend on the sketch bytes only), so:
//   - every branch is scanned, and each prototype is wrapped in the #if/#elif/#else chain of its
//     definition: the board's preprocessor keeps exactly the prototypes the builder would have produced;
//   - when the first definition sits inside an #if, a section is placed before every candidate first
//     definition up to the first unconditional one, each guarded by a macro so only the first section the
//     preprocessor reaches takes effect: the same place the builder would have chosen for that board.
// One deliberate difference: a prototype naming a type the sketch itself declares only after the section
// (the builder's known "'Foo' was not declared in this scope" failure) is left out; its function is then
// declared by its own definition, as in plain C++. This only turns builder failures into working builds.

import { FunctionDecl, Located, TopLevel } from './declarations';

export type SkipReason = 'declared' | 'duplicate' | 'default-argument' | 'type-declared-later';

export interface PrototypeSection {
  /** 1-based line of the main file before which the section goes. */
  line: number;
  prototypes: FunctionDecl[];
}

export interface PlannedPrototypes {
  /** In line order; more than one only when the first definitions are conditional (see above). */
  sections: PrototypeSection[];
  /** Definitions left without a prototype and why (per the first section), for diagnostics and tests. */
  skipped: { decl: FunctionDecl; reason: SkipReason }[];
}

export function planPrototypes(top: TopLevel): PlannedPrototypes {
  const declared = new Set(top.declarations.map((d) => d.key));
  const seen = new Set<string>();
  const candidates: FunctionDecl[] = [];
  const skipped: PlannedPrototypes['skipped'] = [];
  for (const d of top.definitions) {
    // Same text in another #if branch is not a duplicate: only one branch survives the preprocessor.
    const key = `${JSON.stringify(d.cond)} ${d.key}`;
    if (declared.has(d.key)) skipped.push({ decl: d, reason: 'declared' });
    else if (seen.has(key)) skipped.push({ decl: d, reason: 'duplicate' });
    else if (d.text.includes('=')) skipped.push({ decl: d, reason: 'default-argument' });
    else candidates.push(d);
    seen.add(key);
  }
  const types = firstDeclarations(top.types);
  const sections = insertionPoints(top)
    .map((line) => {
      const late = new Set(types.filter((t) => t.file > 0 || t.line >= line).map((t) => t.name));
      const usesLate = (d: FunctionDecl) => d.identifiers.some((id) => late.has(id) && id !== d.name);
      return { line, prototypes: candidates.filter((d) => !usesLate(d)) };
    })
    .filter((s) => s.prototypes.length > 0);
  if (sections.length) {
    const kept = new Set(sections[0].prototypes);
    for (const d of candidates) if (!kept.has(d)) skipped.push({ decl: d, reason: 'type-declared-later' });
  }
  return { sections, skipped };
}

function firstDeclarations<T extends Located & { name: string }>(items: T[]): T[] {
  const first = new Map<string, T>();
  for (const t of items) if (!first.has(t.name)) first.set(t.name, t);
  return [...first.values()];
}

/**
 * Lines of the main file where the builder could have put its prototypes: each definition (or table taking
 * a function's address) in order, up to and including the first one outside any #if. Line 1 if the main
 * file has none (the builder's fallback).
 */
function insertionPoints(top: TopLevel): number[] {
  const names = new Set(top.definitions.map((d) => d.name));
  const points: { line: number; cond: string }[] = [];
  for (const d of top.definitions) if (d.file === 0) points.push({ line: d.line, cond: JSON.stringify(d.cond) });
  for (const s of top.statements) {
    if (s.loc.file !== 0) continue;
    const t = s.tokens;
    const takesAddress = t.some(
      (x, i) => x.kind === 'id' && names.has(x.text) && (t[i - 1]?.text === '&' || (t[i - 1]?.text === '(' && t[i + 1]?.text === ')')),
    );
    if (takesAddress) points.push({ line: s.loc.line, cond: JSON.stringify(s.cond) });
  }
  points.sort((a, b) => a.line - b.line);
  const lines: number[] = [];
  // A later point in the same branch as an earlier one can never be the first one reached.
  const conds = new Set<string>();
  for (const p of points) {
    if (conds.has(p.cond)) continue;
    conds.add(p.cond);
    lines.push(p.line);
    if (p.cond === '[]') break;
  }
  return lines.length ? lines : [1];
}
