/**
 * `nx-fastled-cache proxy`: a local cache server in front of a shared (upstream) one, for a CI runner or a
 * developer machine. Nx talks only to the proxy, on loopback, so nothing the upstream does can fail a run:
 *   GET   local hit → served; local miss → fetched from upstream into the local store (checked), then served;
 *         upstream miss, error, timeout, refusal or a bad entry → 404 (Nx runs the task)
 *   PUT   stored locally (checked) → 200; then uploaded to upstream in the background (upload-queue.ts)
 * The local store is an ordinary store (LRU, --max-bytes); on shutdown the proxy waits up to --drain-timeout
 * for queued uploads.
 */
import type { Logger } from '../log';
import { parseId } from '../keys';
import { startCacheServer, type CacheServerOptions, type RunningCacheServer } from '../server';
import { UploadQueue, type UploadQueueOptions } from './upload-queue';
import { Upstream, type UpstreamOptions } from './upstream';

export interface ProxyOptions extends Omit<CacheServerOptions, 'hooks' | 'scopedTokens' | 'readTokens'> {
  upstream: Omit<UpstreamOptions, 'log'>;
  uploads?: Omit<UploadQueueOptions, 'log'>;
  /** How long shutdown waits for queued uploads. Default 30 s. */
  drainTimeoutMs?: number;
}

export interface RunningProxy extends RunningCacheServer {
  upstream: Upstream;
  uploads: UploadQueue;
}

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const log: Logger = opts.log ?? { info() {}, warn() {}, error() {} };
  const upstream = new Upstream({ ...opts.upstream, log });
  let uploads!: UploadQueue;
  const fetching = new Map<string, Promise<boolean>>();
  const maxEntryBytes = opts.maxEntryBytes ?? 1024 ** 3;
  const srv = await startCacheServer({
    ...opts,
    hooks: (store) => {
      uploads = new UploadQueue(store, upstream, { ...opts.uploads, log });
      return {
        fillMiss: (id) => {
          const parsed = parseId(id);
          if (!parsed) return Promise.resolve(false);
          let p = fetching.get(id);
          if (!p) {
            p = upstream.fetchInto(store, parsed.key, id, maxEntryBytes).finally(() => fetching.delete(id));
            fetching.set(id, p);
          }
          return p;
        },
        health: () => ({ upstream: { down: upstream.isDown, ...upstream.stats }, uploads: { pending: uploads.pending, ...uploads.stats } }),
        onStored: (id) => {
          const parsed = parseId(id);
          if (parsed) uploads.add(parsed.key, id);
        },
      };
    },
  });
  const close = srv.close;
  let closed: Promise<void> | undefined;
  return {
    ...srv,
    upstream,
    uploads,
    close(graceMs?: number) {
      closed ??= (async () => {
        const left = await uploads.drain(opts.drainTimeoutMs ?? 30_000);
        if (left) log.warn(`${left} upload(s) still pending at shutdown; they stay in the local store only`);
        await close(graceMs);
        upstream.close();
      })();
      return closed;
    },
  };
}
