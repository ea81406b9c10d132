// The headers a translation unit includes but the compiler cannot find, as the compiler itself decides it:
// `<compiler> <compile flags> -M -MG <-I dirs> <source>` preprocesses with the real macros and #if
// evaluation, and lists a header it cannot find as written in the #include (`Wire.h`, `utility/x.h`)
// instead of failing. That is what arduino-cli's library detector learns from its preprocessor runs (one
// missing header per run there; all of a round's here), so a header included only for another board
// (`#ifdef ESP32 #include <WiFi.h>`) never pulls a library in.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PreprocessRequest {
  /** Absolute path of the compiler driver. */
  driver: string;
  /** Compile flags (no -o, no includes, no source). */
  flags: string[];
  /** -I dirs, absolute or relative to `cwd`. */
  includeDirs: string[];
  /** Workspace-relative source, or its text (a generated sketch, given on stdin as C++). */
  source: { file: string } | { text: string; extraFlags: string[] };
  cwd: string;
}

export class PreprocessError extends Error {}

/** Tokens of a make dependency rule (`target: dep dep \` ...), the target dropped. */
export function dependencyTokens(text: string): string[] {
  const body = text.replace(/\\\r?\n/g, ' ');
  const colon = body.search(/:\s/);
  const rest = colon >= 0 ? body.slice(colon + 1) : body;
  const tokens: string[] = [];
  // Make escapes spaces in file names as `\ `.
  for (const m of rest.matchAll(/(?:\\ |[^\s])+/g)) tokens.push(m[0].replace(/\\ /g, ' '));
  return tokens;
}

/**
 * Headers the compiler did not find among `candidates` (the specs worth asking about). A dependency token
 * that names an existing file (relative to `cwd`) was found; one that does not, is a missing header.
 */
function preprocessArgs(req: PreprocessRequest): { args: string[]; input?: string } {
  const args = [...req.flags.filter((f) => f !== '-c'), '-M', '-MG', ...req.includeDirs.map((d) => `-I${d}`)];
  if ('text' in req.source) {
    args.push(...req.source.extraFlags, '-x', 'c++', '-');
    return { args, input: req.source.text };
  }
  args.push(req.source.file);
  return { args };
}

function missingFrom(req: PreprocessRequest, status: number | null, stdout: string, candidates: ReadonlySet<string>): string[] {
  // A syntax error in a header, an #error for this board: the compile step reports it with context.
  if (status !== 0) return [];
  const out = new Set<string>();
  for (const t of dependencyTokens(stdout)) {
    if (t === '-' || !candidates.has(t)) continue;
    if (!fs.existsSync(path.resolve(req.cwd, t))) out.add(t);
  }
  return [...out];
}

export function missingHeaders(req: PreprocessRequest, candidates: ReadonlySet<string>): string[] {
  const { args, input } = preprocessArgs(req);
  const r = spawnSync(req.driver, args, { cwd: req.cwd, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new PreprocessError(`${req.driver}: ${r.error.message}`);
  return missingFrom(req, r.status, r.stdout, candidates);
}

/** The same, without blocking: the graph runs a round of these side by side (MissingHeaderMemo.prefetch). */
export function missingHeadersAsync(req: PreprocessRequest, candidates: ReadonlySet<string>): Promise<string[]> {
  const { args, input } = preprocessArgs(req);
  return new Promise((resolve, reject) => {
    const child = spawn(req.driver, args, { cwd: req.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => reject(new PreprocessError(`${req.driver}: ${e.message}`)));
    child.on('close', (code) => resolve(missingFrom(req, code, Buffer.concat(chunks).toString('utf8'), candidates)));
    // A compiler that exits before reading all of stdin (an #error early on) must not crash the plugin.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
