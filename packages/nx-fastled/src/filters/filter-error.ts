// FilterError: a malformed `// @filter` directive, with the sketch file and 1-based line it is on.

export class FilterError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'FilterError';
    this.file = file;
    this.line = line;
  }
}
