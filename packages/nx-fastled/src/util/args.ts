// Command-line arguments for the task CLI's commands, through `node:util` parseArgs: one syntax for every
// command (`--name value` or `--name=value`, bare boolean flags, `--` before pass-through arguments), a clear
// message for a mistake, and `--help` on every command.
//
// A value that starts with `-` (compiler flags) must be written `--name=value`: parseArgs refuses
// `--name -O ...` as ambiguous, which is what catches a forgotten value.
import { parseArgs } from 'node:util';

/** A mistake on the command line: its message says what was wrong and shows the usage. */
export class UsageError extends Error {}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string; description: string };

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** `nx-fastled-task link`, as a person types it */
  command: string;
  /** the arguments after the command, e.g. `--out <file> <main.ino> [<other.ino>...]` */
  usage: string;
  /** what the command does, one short paragraph */
  about: string;
  options: O;
  /** options that must be given */
  required?: (keyof O & string)[];
  /** fewest positional arguments (default 0; more than `maxPositionals` is refused) */
  minPositionals?: number;
  maxPositionals?: number;
  /** takes pass-through arguments after `--` */
  rest?: boolean;
}

type Value<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : S['multiple'] extends true ? string[] : string;

export interface ParsedCommand<O extends Record<string, OptionSpec>> {
  values: { [K in keyof O]?: Value<O[K]> };
  positionals: string[];
  /** arguments after `--` */
  rest: string[];
}

/** Checks a command's spec and keeps its option types literal (for the types of the parsed values). */
export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

export function usageLine(spec: { command: string; usage: string }): string {
  return `usage: ${spec.command} ${spec.usage}`;
}

export function helpText<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const names = Object.keys(spec.options).sort();
  const width = Math.max(...names.map((n) => n.length + (spec.options[n].type === 'string' ? 8 : 0)), 4) + 4;
  const lines = names.map((n) => {
    const o = spec.options[n];
    const flag = `--${n}${o.type === 'string' ? ' <value>' : ''}`;
    return `  ${flag.padEnd(width)}${o.description}`;
  });
  return `${usageLine(spec)}\n\n${spec.about}\n\noptions:\n${lines.join('\n')}\n  ${'--help'.padEnd(width)}this text\n`;
}

/** The parsed arguments, or undefined when `--help` was asked for (the help is then on stdout). */
export function parseCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: string[]): ParsedCommand<O> | undefined {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { help: { type: 'boolean' } };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; tokens: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError(`${spec.command}: ${(e as Error).message}\n${usageLine(spec)}`);
  }
  if (parsed.values.help) {
    process.stdout.write(helpText(spec));
    return undefined;
  }
  const terminator = parsed.tokens.find((t) => t.kind === 'option-terminator')?.index;
  const positionals = parsed.tokens
    .filter(
      (t): t is Extract<typeof t, { kind: 'positional' }> => t.kind === 'positional' && (terminator === undefined || t.index < terminator),
    )
    .map((t) => t.value);
  const rest = terminator === undefined ? [] : argv.slice(terminator + 1);
  const fail = (what: string) => new UsageError(`${spec.command}: ${what}\n${usageLine(spec)}`);
  if (rest.length && !spec.rest) throw fail(`unexpected arguments after --: ${rest.join(' ')}`);
  for (const name of spec.required ?? []) if (parsed.values[name] === undefined) throw fail(`--${name} is required`);
  if (positionals.length < (spec.minPositionals ?? 0)) throw fail('missing arguments');
  if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals)
    throw fail(`unexpected argument "${positionals[spec.maxPositionals]}"`);
  const values: Record<string, unknown> = { ...parsed.values };
  delete values.help;
  return { values: values as ParsedCommand<O>['values'], positionals, rest };
}
