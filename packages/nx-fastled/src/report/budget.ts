// Size budget: limits on flash and RAM per board and per example, and a ratchet on growth against the base.
// Domain code: no Nx imports. The file (`size-budget.json` at the workspace root by default):
//
//   {
//     "boards":   { "uno": { "flash": "90%", "ram": 1800 } },          // bytes, or percent of the board's limit
//     "examples": { "fastled/Blink": { "uno": { "flash": 6000 } },     // per example, per board ("*": every board)
//                   "fastled/Fire2012": { "*": { "ram": "60%" } } },
//     "ratchet":  { "flash": 0, "ram": 0 }                              // no example may grow by more than N bytes
//   }
//
// `ratchet` may also be one number (the same for flash and RAM), and may be set per board
// (`boards.<board>.ratchet`) or per example and board (`examples.<example>.<board>.ratchet`); the most specific
// setting wins, as for limits. A budget only judges entries that have sizes: a failed build fails on its own.
import * as fs from 'node:fs';
import { ReportEntry } from './model';
import { bytes } from './format';

export type Measure = 'flash' | 'ram';
export const MEASURES: Measure[] = ['flash', 'ram'];

/** A limit as written: bytes, or `"<n>%"` of the board's limit. */
export type LimitSpec = number | string;

export interface BudgetRule {
  flash?: LimitSpec;
  ram?: LimitSpec;
  ratchet?: number | { flash?: number; ram?: number };
}

export interface Budget {
  /** Where it came from (for messages). */
  file: string;
  boards: Record<string, BudgetRule>;
  examples: Record<string, Record<string, BudgetRule>>;
  ratchet?: number | { flash?: number; ram?: number };
}

export class BudgetError extends Error {}

export interface BudgetViolation {
  example: string;
  board: string;
  measure: Measure;
  kind: 'limit' | 'ratchet';
  /** The entry's size now (bytes); for the ratchet also its base size and growth. */
  size: number;
  base?: number;
  growth?: number;
  /** The budget in bytes (a limit, or the allowed growth). */
  budget: number;
  /** Where the rule is in the file: `boards.uno.flash`, `examples["x"].uno.ram`, `ratchet.flash`. */
  rule: string;
  message: string;
}

const label = (m: Measure) => (m === 'flash' ? 'flash' : 'RAM');

function checkSpec(file: string, where: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return;
  if (typeof v === 'string' && /^\d+(\.\d+)?%$/.test(v.trim())) return;
  throw new BudgetError(`${file}: ${where} is ${JSON.stringify(v)}; expected a number of bytes >= 0 or a percentage such as "90%"`);
}

function checkRatchet(file: string, where: string, v: unknown): void {
  if (v === undefined) return;
  const ok = (n: unknown) => n === undefined || (typeof n === 'number' && Number.isInteger(n) && n >= 0);
  if (
    typeof v === 'number'
      ? ok(v)
      : v && typeof v === 'object' && !Array.isArray(v) && ok((v as { flash?: unknown }).flash) && ok((v as { ram?: unknown }).ram)
  )
    return;
  throw new BudgetError(`${file}: ${where} is ${JSON.stringify(v)}; expected whole bytes >= 0, or { "flash": <bytes>, "ram": <bytes> }`);
}

function checkRule(file: string, where: string, v: unknown): BudgetRule {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new BudgetError(`${file}: ${where} must be an object such as { "flash": "90%", "ram": 1800 }`);
  for (const k of Object.keys(v)) {
    if (!['flash', 'ram', 'ratchet'].includes(k))
      throw new BudgetError(`${file}: ${where}.${k} is not a budget setting (flash, ram, ratchet)`);
  }
  const r = v as BudgetRule;
  checkSpec(file, `${where}.flash`, r.flash);
  checkSpec(file, `${where}.ram`, r.ram);
  checkRatchet(file, `${where}.ratchet`, r.ratchet);
  return r;
}

/** Validates a parsed budget; throws a BudgetError naming the file and the setting. */
export function parseBudget(data: unknown, file: string): Budget {
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new BudgetError(`${file}: expected an object with "boards", "examples" and/or "ratchet"`);
  const d = data as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (!['boards', 'examples', 'ratchet', '$comment'].includes(k))
      throw new BudgetError(`${file}: "${k}" is not a budget section (boards, examples, ratchet)`);
  }
  const boards: Record<string, BudgetRule> = {};
  for (const [b, rule] of Object.entries((d.boards ?? {}) as Record<string, unknown>)) boards[b] = checkRule(file, `boards.${b}`, rule);
  const examples: Record<string, Record<string, BudgetRule>> = {};
  for (const [ex, perBoard] of Object.entries((d.examples ?? {}) as Record<string, unknown>)) {
    if (!perBoard || typeof perBoard !== 'object')
      throw new BudgetError(`${file}: examples["${ex}"] must be an object of boards, e.g. { "uno": { "flash": 6000 } }`);
    examples[ex] = {};
    for (const [b, rule] of Object.entries(perBoard as Record<string, unknown>))
      examples[ex][b] = checkRule(file, `examples["${ex}"].${b}`, rule);
  }
  checkRatchet(file, 'ratchet', d.ratchet);
  return { file, boards, examples, ...(d.ratchet !== undefined ? { ratchet: d.ratchet as Budget['ratchet'] } : {}) };
}

export function readBudget(path: string, display = path): Budget {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BudgetError(`${display}: cannot read the size budget: ${(e as Error).message}`);
  }
  return parseBudget(data, display);
}

/** A limit in bytes: percentages are of the board's limit (none known: the rule cannot apply). */
function resolve(spec: LimitSpec, boardLimit: number | undefined): number | undefined {
  if (typeof spec === 'number') return spec;
  const p = Number(spec.trim().slice(0, -1));
  return boardLimit === undefined ? undefined : Math.floor((p / 100) * boardLimit);
}

function ratchetOf(r: BudgetRule['ratchet'] | Budget['ratchet'], m: Measure): number | undefined {
  return r === undefined ? undefined : typeof r === 'number' ? r : r[m];
}

/** The most specific rule for a measure: example+board, example+"*", board, then (ratchet only) global. */
function lookup(budget: Budget, e: ReportEntry) {
  const ex = budget.examples[e.example] ?? {};
  const layers: [BudgetRule | undefined, string][] = [
    [ex[e.board], `examples["${e.example}"].${e.board}`],
    [ex['*'], `examples["${e.example}"]["*"]`],
    [budget.boards[e.board], `boards.${e.board}`],
  ];
  return {
    limit(m: Measure): { spec: LimitSpec; rule: string } | undefined {
      for (const [r, where] of layers) if (r?.[m] !== undefined) return { spec: r[m]!, rule: `${where}.${m}` };
      return undefined;
    },
    ratchet(m: Measure): { bytes: number; rule: string } | undefined {
      for (const [r, where] of layers) {
        const n = ratchetOf(r?.ratchet, m);
        if (n !== undefined) return { bytes: n, rule: `${where}.ratchet` };
      }
      const n = ratchetOf(budget.ratchet, m);
      return n === undefined ? undefined : { bytes: n, rule: typeof budget.ratchet === 'number' ? 'ratchet' : `ratchet.${m}` };
    },
  };
}

/** Every violation of the budget by the entries (sorted by example, board, measure, kind). */
export function checkBudget(budget: Budget, entries: ReportEntry[]): BudgetViolation[] {
  const out: BudgetViolation[] = [];
  for (const e of entries) {
    if (!e.size) continue;
    const rules = lookup(budget, e);
    for (const m of MEASURES) {
      const size = e.size[m];
      const limit = rules.limit(m);
      if (limit) {
        const boardLimit = m === 'flash' ? e.size.flashLimit : e.size.ramLimit;
        const max = resolve(limit.spec, boardLimit);
        if (max !== undefined && size > max) {
          const spec = typeof limit.spec === 'string' ? ` (${limit.spec.trim()} of ${bytes(boardLimit!)})` : '';
          out.push({
            example: e.example,
            board: e.board,
            measure: m,
            kind: 'limit',
            size,
            budget: max,
            rule: limit.rule,
            message: `${e.example} on ${e.board}: ${label(m)} ${bytes(size)} is over its budget of ${bytes(max)}${spec} by ${bytes(size - max)} (${budget.file}: ${limit.rule})`,
          });
        }
      }
      const ratchet = rules.ratchet(m);
      if (ratchet && e.change) {
        const growth = e.change[m];
        if (growth > ratchet.bytes) {
          const base = e.change.baseline[m];
          out.push({
            example: e.example,
            board: e.board,
            measure: m,
            kind: 'ratchet',
            size,
            base,
            growth,
            budget: ratchet.bytes,
            rule: ratchet.rule,
            message: `${e.example} on ${e.board}: ${label(m)} grew by ${bytes(growth)} (${bytes(base)} → ${bytes(size)}), more than the ratchet allows (${bytes(ratchet.bytes)}) (${budget.file}: ${ratchet.rule})`,
          });
        }
      }
    }
  }
  return out;
}
