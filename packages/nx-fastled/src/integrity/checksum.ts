// Checksum sidecars: `<file>.sha256` beside each object and archive, written by the task that produced the
// file and cached with it as a declared output, so that an altered byte in a restored copy is caught.
//
// Format: the output of `sha256sum` (`<64 hex digits>  <basename>\n`); only the first 64 hex digits are read,
// so a sidecar written by `sha256sum` itself is accepted.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomic } from '../util/atomic';
import { structuralProblem } from './object-structure';

export const SIDECAR_SUFFIX = '.sha256';

/** Why a file is not whole (unreadable, its sidecar disagrees, or structurally damaged), or undefined. */
export function checkFile(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const sidecar = `${file}${SIDECAR_SUFFIX}`;
  if (fs.existsSync(sidecar)) {
    const want = /^[0-9a-f]{64}/i.exec(fs.readFileSync(sidecar, 'latin1').trim())?.[0].toLowerCase();
    if (!want) return `its checksum file ${sidecar} is damaged (no sha256 in it)`;
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== want)
      return `sha256 ${got.slice(0, 16)}… does not match ${want.slice(0, 16)}… recorded in ${path.basename(sidecar)} when it was built`;
  }
  return structuralProblem(bytes, file);
}

/** Writes `<file>.sha256` (the format of `sha256sum`) beside `file`, atomically. */
export function sealFile(file: string): void {
  const digest = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  writeAtomic(`${file}${SIDECAR_SUFFIX}`, `${digest}  ${path.basename(file)}\n`);
}
