// Write-then-rename helpers: a reader never sees half an output.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

export function writeAtomic(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
