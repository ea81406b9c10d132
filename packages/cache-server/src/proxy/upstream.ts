/**
 * The proxy's client for the shared (upstream) cache server: GET into the local store, PUT from it.
 *
 * Every request has a deadline for the answer's headers and for silence while the body flows, so a server
 * that accepts and never answers costs one timeout, not minutes. After a failure (connection error, timeout,
 * 5xx) the upstream counts as down for a cooldown and GETs are answered as misses at once without trying it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../log';
import type { DiskStore } from '../store';

export interface UpstreamOptions {
  url: string;
  token: string;
  /** Deadline for the answer's headers, and the longest silence while a body flows. Default 5 s. */
  timeoutMs?: number;
  /** How long the upstream counts as down after a failure (GETs are misses meanwhile). Default 10 s. */
  cooldownMs?: number;
  log: Logger;
}

export type PutOutcome = 'stored' | 'exists' | 'refused' | 'unauthorized' | 'failed';

export class Upstream {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly cooldownMs: number;
  private downUntil = 0;
  readonly stats = { getHits: 0, getMisses: 0, getErrors: 0, skippedWhileDown: 0, puts: 0, putErrors: 0 };

  constructor(private readonly opts: UpstreamOptions) {
    this.base = new URL(opts.url.endsWith('/') ? opts.url : `${opts.url}/`);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:')
      throw new Error(`--upstream: expected an http(s) URL, got ${opts.url}`);
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 8 });
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.cooldownMs = opts.cooldownMs ?? 10_000;
  }

  get isDown(): boolean {
    return Date.now() < this.downUntil;
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * Fetches `key` into the local store under `id`. True when stored (or already there); false on a miss,
   * an error, a timeout, an entry the local check refuses, or while the upstream counts as down.
   */
  async fetchInto(store: DiskStore, key: string, id: string, maxEntryBytes: number): Promise<boolean> {
    if (this.isDown) {
      this.stats.skippedWhileDown++;
      return false;
    }
    let res: http.IncomingMessage;
    try {
      res = await this.request('GET', key);
    } catch (e) {
      this.failed(`GET ${key}: ${(e as Error).message}`);
      this.stats.getErrors++;
      return false;
    }
    if (res.statusCode !== 200) {
      res.resume();
      if ((res.statusCode ?? 0) >= 500) this.failed(`GET ${key}: ${res.statusCode}`);
      else if (res.statusCode === 401 || res.statusCode === 403)
        this.opts.log.error(`upstream refused the token on GET (${res.statusCode}): check NX_FASTLED_CACHE_UPSTREAM_TOKEN`);
      if (res.statusCode === 404) this.stats.getMisses++;
      else this.stats.getErrors++;
      return false;
    }
    const declared = Number(res.headers['content-length'] ?? 0);
    const pending = await store
      .beginWrite(id, maxEntryBytes, Number.isSafeInteger(declared) && declared > 0 ? declared : 0)
      .catch((e: Error) => e);
    if (pending instanceof Error || pending === 'busy') {
      res.destroy();
      return false;
    }
    if (pending === 'exists') {
      res.destroy();
      return true;
    }
    try {
      res.setTimeout(this.timeoutMs, () => res.destroy(new Error(`no data for ${this.timeoutMs} ms`)));
      await pipeline(
        res,
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            pending.write(chunk).then(() => cb(), cb);
          },
        }),
      );
      if (declared && pending.bytesWritten !== declared) throw new Error(`short body (${pending.bytesWritten}/${declared} bytes)`);
      const { result, reason } = await pending.commit();
      if (result === 'invalid') {
        this.opts.log.warn(`upstream entry ${key} refused by the local check: ${reason}`);
        this.stats.getErrors++;
        return false;
      }
      this.stats.getHits++;
      return true;
    } catch (e) {
      await pending.abort();
      this.failed(`GET ${key} body: ${(e as Error).message}`);
      this.stats.getErrors++;
      return false;
    }
  }

  /** Uploads the stored entry `id` as `key`. */
  async put(store: DiskStore, key: string, id: string): Promise<PutOutcome> {
    const entry = await store.read(id);
    if (!entry) return 'refused'; // evicted or damaged locally meanwhile: nothing to upload
    this.stats.puts++;
    try {
      const res = await this.request('PUT', key, entry.size, entry.kind === 'buffer' ? entry.data : entry.stream());
      res.resume();
      const s = res.statusCode ?? 0;
      if (s === 200 || s === 201 || s === 204) return 'stored';
      if (s === 409) return 'exists';
      if (s === 401) return 'unauthorized';
      if (s === 403) return 'refused';
      if (s >= 500) this.failed(`PUT ${key}: ${s}`);
      this.stats.putErrors++;
      return 'failed';
    } catch (e) {
      if (entry.kind === 'stream') await entry.discard();
      this.failed(`PUT ${key}: ${(e as Error).message}`);
      this.stats.putErrors++;
      return 'failed';
    }
  }

  private failed(why: string): void {
    if (!this.isDown) this.opts.log.warn(`upstream ${this.base.origin} failed (${why}); answering misses for ${this.cooldownMs} ms`);
    this.downUntil = Date.now() + this.cooldownMs;
  }

  private request(
    method: 'GET' | 'PUT',
    key: string,
    length?: number,
    body?: Buffer | NodeJS.ReadableStream,
  ): Promise<http.IncomingMessage> {
    const url = new URL(`v1/cache/${key}`, this.base);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, {
        method,
        agent: this.agent,
        headers: {
          authorization: `Bearer ${this.opts.token}`,
          accept: 'application/octet-stream',
          ...(method === 'PUT' ? { 'content-type': 'application/octet-stream', 'content-length': String(length) } : {}),
        },
      });
      // Deadline for the answer's headers (the body has its own idle timeout): a silent server is a miss.
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs + (length ?? 0) / 1e4);
      req.on('response', (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else pipeline(body, req).catch((e) => req.destroy(e));
    });
  }
}
