/**
 * `serve` and `proxy` in the foreground: start, print the URL as the only stdout line, write the pid and
 * ready files, and on SIGTERM/SIGINT close gracefully (a second signal exits at once).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { stderrLogger, type Logger } from '../log';
import { startProxy } from '../proxy/proxy';
import { startCacheServer, type RunningCacheServer } from '../server';
import { parseCount, parseSeconds, serverOptions, UPSTREAM_TOKEN_ENV, UsageError, type Values } from './args';
import { writeFileAtomic } from './files';

export async function serve(values: Values): Promise<number> {
  const opts = serverOptions(values, process.env);
  const log = stderrLogger();
  const srv = await startCacheServer({ ...opts, log });
  return runUntilSignal(srv, values, log, `store ${opts.storeDir}, ${srv.store.size.entries} entries`);
}

export async function proxy(values: Values): Promise<number> {
  if (!values.upstream) throw new UsageError('--upstream <url> is required');
  const opts = serverOptions(values, process.env);
  const upstreamToken = process.env[UPSTREAM_TOKEN_ENV] || process.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
  if (!upstreamToken) throw new UsageError(`set ${UPSTREAM_TOKEN_ENV} (the token for the upstream server)`);
  const log = stderrLogger('nx-fastled-cache proxy');
  // The proxy serves one workspace's Nx on loopback: its local tokens are the write tokens only.
  const { readTokens: _r, scopedTokens: _s, ...local } = opts;
  const srv = await startProxy({
    ...local,
    log,
    upstream: {
      url: values.upstream,
      token: upstreamToken,
      timeoutMs: parseSeconds(values['upstream-timeout'], 'upstream-timeout'),
      cooldownMs: parseSeconds(values['upstream-cooldown'], 'upstream-cooldown'),
    },
    uploads: { attempts: parseCount(values['upload-attempts'], 'upload-attempts') },
    drainTimeoutMs: parseSeconds(values['drain-timeout'], 'drain-timeout'),
  });
  return runUntilSignal(srv, values, log, `upstream ${values.upstream}, local store ${opts.storeDir}`);
}

async function runUntilSignal(srv: RunningCacheServer, values: Values, log: Logger, what: string): Promise<number> {
  const pidFile = values['pid-file'] && path.resolve(values['pid-file']);
  if (pidFile) await writeFileAtomic(pidFile, `${process.pid}\n`);
  process.stdout.write(`${srv.url}\n`);
  log.info(`listening on ${srv.url} (${what})`);
  if (values['ready-file']) {
    await writeFileAtomic(path.resolve(values['ready-file']), JSON.stringify({ pid: process.pid, url: srv.url }));
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) {
        log.warn(`${sig} again: exiting immediately`);
        process.exit(1);
      }
      stopping = true;
      log.info(`${sig}: shutting down`);
      srv
        .close(10_000)
        .catch((e) => log.error(`shutdown: ${(e as Error).message}`))
        .then(async () => {
          if (pidFile) {
            const owner = await fsp.readFile(pidFile, 'utf8').catch(() => '');
            if (Number.parseInt(owner, 10) === process.pid) await fsp.rm(pidFile, { force: true });
          }
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          log.info('stopped');
          resolve(0);
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
