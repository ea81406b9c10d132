// Function-like macros that forward a parameter to __has_include, directly or through each other, e.g.
//   #define FL_HAS_INCLUDE(x) __has_include(x)        → FL_HAS_INCLUDE probes with parameter 0
// A call FL_HAS_INCLUDE(<SD.h>) in an #if is then a probe of SD.h. Which macros probe is a property of the
// whole closure (the definition usually lives in another header than the call), hence this fixpoint over the
// forwarding edges of every file in it. A macro with several definitions (#ifdef branches) probes if any does.
import { PROBES, type ForwardEdge, type RefKind } from './directives';

/** macro name → parameter index → how the probe searches */
export type ProbeMacros = Map<string, Map<number, RefKind>>;

export function probeMacros(edges: readonly ForwardEdge[]): ProbeMacros {
  const result: ProbeMacros = new Map();
  const add = (macro: string, param: number, kind: RefKind): boolean => {
    let params = result.get(macro);
    if (!params) result.set(macro, (params = new Map()));
    if (params.has(param)) return false;
    params.set(param, kind);
    return true;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const e of edges) {
      const kind = PROBES.get(e.callee) ?? result.get(e.callee)?.get(e.arg);
      if (kind && add(e.macro, e.param, kind)) changed = true;
    }
  }
  return result;
}

/** A stable key for a ProbeMacros value, to notice when it grew. */
export function probeMacrosKey(m: ProbeMacros): string {
  return [...m.entries()]
    .map(([name, params]) => `${name}:${[...params.keys()].sort((a, b) => a - b).join(',')}`)
    .sort()
    .join(';');
}
