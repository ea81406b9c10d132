// SketchError: the one error type of sketch/. It carries the sketch file (workspace-relative) and the 1-based
// line so that callers (the CLI, the plugin) can print `file:line: message` the way a compiler does.

export class SketchError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'SketchError';
    this.file = file;
    this.line = line;
  }
}
