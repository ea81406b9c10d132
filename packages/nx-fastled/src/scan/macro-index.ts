// The scanner's macro index: what computed includes (`#include CONFIG`, `__has_include(X)`) are expanded
// with. It holds the #define of every relevant macro name by the file that makes it (a name becomes relevant
// when a computed reference or a definition it reaches mentions it; files are looked at again when the set
// of names grows), the compile's predefined macros parsed from `-dM -E` output, the probe macros that
// forward an argument to __has_include, and a memo of expansions keyed by the definitions each one saw.
import { Bitset } from './bitset';
import type { DirectiveCache } from './directive-cache';
import { PROBES, type ForwardEdge, type MacroDef, type RefKind } from './directives';
import type { FileDirectives } from './file-directives';
import type { FileTable } from './file-table';
import { expandHeaderNames, Unexpandable, type Definitions, type HeaderName } from './macro-expand';
import { byCodeUnit } from './order';
import { probeMacros, type ProbeMacros } from './probe-macros';

export interface ExpandResult {
  kind: RefKind;
  headers: HeaderName[];
  /** `"x"` / `<x>`, sorted */
  shown: string[];
}

interface ExpansionMemo {
  lookups: [string, readonly MacroDef[]][];
  result?: ExpandResult;
  error?: string;
}

function sameDefs(a: readonly MacroDef[], b: readonly MacroDef[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class MacroIndex {
  /** macro name → its definitions in files whose definitions are registered, by file id */
  private readonly defsByName = new Map<string, { id: number; def: MacroDef }[]>();
  private readonly defsRegistered: number[] = [];
  private readonly namesCovered: number[] = [];
  private readonly predefinedMemo = new Map<string, Map<string, MacroDef[]>>();
  private readonly probeMacroMemo = new Map<string, ProbeMacros>();
  private readonly expansionMemo = new Map<string, ExpansionMemo[]>();
  private readonly predefinedIds = new Map<string, number>();

  constructor(
    private readonly files: FileTable,
    private readonly directives: FileDirectives,
    private readonly cache: DirectiveCache,
  ) {}

  /** Registers the definitions of every relevant macro name made in the files of `set`. */
  coverMacros(set: Bitset): void {
    const n = this.cache.names.length;
    set.forEach((id) => {
      if (this.namesCovered[id] === n) return;
      const defs = this.directives.macros(this.files.entry(id).path);
      for (let k = this.defsRegistered[id] ?? 0; k < defs.length; k++) {
        let list = this.defsByName.get(defs[k].name);
        if (!list) this.defsByName.set(defs[k].name, (list = []));
        list.push({ id, def: defs[k] });
      }
      this.defsRegistered[id] = defs.length;
      this.namesCovered[id] = n;
    });
  }

  /** Makes `names` relevant; true if any was new (files must then be looked at again). */
  addMacroNames(names: Iterable<string>): boolean {
    let added = false;
    for (const n of names) if (this.cache.addName(n)) added = true;
    return added;
  }

  get macroNameCount(): number {
    return this.cache.names.length;
  }

  /** Definitions of `name` in files of `set` (which must be covered). */
  definitionsIn(name: string, set: Bitset): MacroDef[] {
    const list = this.defsByName.get(name);
    if (!list) return [];
    const out: MacroDef[] = [];
    for (const e of list) if (set.has(e.id)) out.push(e.def);
    return out;
  }

  /** The probe macros the forwarding edges of these files define (memoised by the set of files). */
  probeMacrosOf(ids: number[]): ProbeMacros {
    const key = ids.join(',');
    let m = this.probeMacroMemo.get(key);
    if (!m) {
      const edges: ForwardEdge[] = [];
      for (const id of ids) edges.push(...this.files.info(id).directives.forwards);
      this.probeMacroMemo.set(key, (m = probeMacros(edges)));
    }
    return m;
  }

  /**
   * The header names a computed reference (`MACRO...` or `__has_include(MACRO)`) may name, memoised: a
   * previous expansion of the same text is reused when every name it looked up has the same definitions.
   */
  expandComputed(text: string, defs: Definitions, set: Bitset, predefinedKey: number): ExpandResult {
    const memoKey = `${predefinedKey}\0${text}`;
    const known = this.expansionMemo.get(memoKey);
    if (known) {
      for (const m of known) {
        if (m.lookups.every(([name, seen]) => sameDefs(defs.lookup(name), seen))) {
          if (m.error) throw new Unexpandable(m.error);
          return m.result as ExpandResult;
        }
      }
    }
    const lookups: [string, readonly MacroDef[]][] = [];
    const looked = new Set<string>();
    const recording: Definitions = {
      complete: defs.complete,
      lookup: (name) => {
        const d = defs.lookup(name);
        if (!looked.has(name)) {
          looked.add(name);
          lookups.push([name, d]);
        }
        return d;
      },
    };
    const probe = /^\s*([A-Za-z_]\w*)\s*\(([\s\S]*)\)\s*$/.exec(text);
    const kind = probe ? PROBES.get(probe[1]) : undefined;
    let entry: ExpansionMemo;
    try {
      const headers = expandHeaderNames(kind && probe ? probe[2] : text, recording);
      const shown = headers.map((h) => (h.angle ? `<${h.spec}>` : `"${h.spec}"`)).sort(byCodeUnit);
      entry = { lookups, result: { kind: kind ?? 'include', headers, shown } };
    } catch (e) {
      if (!(e instanceof Unexpandable)) throw e;
      entry = { lookups, error: e.message };
    }
    const list = known ?? [];
    if (list.length < 16) list.push(entry);
    this.expansionMemo.set(memoKey, list);
    if (entry.error) throw new Unexpandable(entry.error);
    return entry.result as ExpandResult;
  }

  /** A small number standing for a predefined-macro text (for memo keys). */
  predefinedId(text: string | undefined): number {
    if (text === undefined) return -1;
    let id = this.predefinedIds.get(text);
    if (id === undefined) this.predefinedIds.set(text, (id = this.predefinedIds.size));
    return id;
  }

  /** The predefined macros of a `-dM -E` text, by name (memoised); null when none were given. */
  predefined(text: string | undefined): Map<string, MacroDef[]> | null {
    if (text === undefined) return null;
    let m = this.predefinedMemo.get(text);
    if (!m) {
      m = new Map();
      for (const line of text.split('\n')) {
        const d = /^\s*#\s*define\s+([A-Za-z_$][\w$]*)(\(([^)]*)\))?(.*)$/.exec(line);
        if (!d) continue;
        const params = d[2] === undefined ? null : d[3].trim() === '' ? [] : d[3].split(',').map((p) => p.trim());
        const list = m.get(d[1]) ?? [];
        list.push({ name: d[1], params, body: d[4].trim(), line: 0 });
        m.set(d[1], list);
      }
      this.predefinedMemo.set(text, m);
    }
    return m;
  }
}
