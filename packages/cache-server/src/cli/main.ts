/** `nx-fastled-cache` command dispatch: serve (default), proxy, start, stop, admin, help. */
import { parse, USAGE, UsageError } from './args';

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'serve';
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const extra = positionals.slice(1);
  if (command !== 'admin' && extra.length) {
    process.stderr.write(`unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  try {
    switch (command) {
      // Each command loads only its own modules: a short-lived `stop` or `admin` starts faster.
      case 'serve':
        return await (await import('./serve')).serve(values);
      case 'proxy':
        return await (await import('./serve')).proxy(values);
      case 'start':
        return await (await import('./daemon')).start(values);
      case 'stop':
        return await (await import('./daemon')).stop(values);
      case 'admin':
        return await (await import('./admin')).admin(values, extra);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`nx-fastled-cache: ${(e as Error).message}\n`);
    return 1;
  }
}
