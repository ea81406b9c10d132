// Write-to-a-temporary-name-then-rename, the one way nx-fastled writes a file: a reader (a task, Nx's cache,
// a person) never sees half an output, and a failed write leaves no temporary file behind.
//
// Temporary names: `.<name>.<pid>.tmp` beside the target (same folder, so the rename stays on one file
// system; hidden, so a half-written file never looks like an output). Task commands use the same names with
// the shell's process id (`$$`, plan/shell.ts). The data is flushed (fsync) before the
// rename: a rename that reaches the disk before the data would leave an empty file after a power loss.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The temporary name `file` is written under before it is renamed into place (by process `pid`). */
export function tempName(file: string, pid: string | number = process.pid): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${pid}.tmp`);
}

/** Writes `data` to `file` through its temporary name, creating the folder; on failure nothing is left. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
