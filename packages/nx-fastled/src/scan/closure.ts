// What IncludeScanner.closure() returns (Closure: a translation unit's input files, the globs its unbounded
// computed includes fall back to, and why; every path workspace-relative, every list sorted by order.ts),
// and what a walk (walk.ts) holds before it becomes one (Reach, ExtraRef).
import type { Bitset } from './bitset';
import type { IncludeRef, MacroDef } from './directives';

export interface Closure {
  /** ws-relative, sorted, the TU itself included; only files inside the workspace */
  files: string[];
  /** ws-relative glob patterns added by fallbacks (e.g. 'vendor/FastLED/src/**\/*'), sorted */
  globs: string[];
  /** includes found nowhere (informational: often inside #if for other platforms); sorted; computed lazily */
  unresolved: { file: string; line: number; spec: string }[];
  /** the computed references that caused the globs, and why; sorted */
  computed: { file: string; line: number; text: string; reason?: string }[];
  /** computed references that were expanded, with every header name they may name; sorted */
  expanded: { file: string; line: number; text: string; headers: string[] }[];
  /**
   * ws-relative paths that do not exist but would change what the compiler reads if created (the shortest
   * missing prefix of each such probe, so `foo/` stands for everything below it); sorted, none under a glob.
   * Files inputs cannot see a file appear; feed these to the hasher as patterns if that matters. Computed
   * lazily (on first access).
   */
  absent: string[];
}

/** A reference not written as a plain #include in a file: forced includes, macro results, probe calls. */
export interface ExtraRef {
  from: string;
  ref: IncludeRef;
  /** reported as unresolved when found nowhere */
  report: boolean;
}

/** What a walk found, to be merged into another walk over the same search path. */
export interface Reach {
  set: Bitset;
  computed: Map<string, Closure['computed'][number]>;
  expanded: Map<string, Closure['expanded'][number]>;
  globDirs: Set<string>;
  extra: ExtraRef[];
  /** the predefined macros the walk looked up, with what it found */
  consulted: Map<string, readonly MacroDef[]>;
}
