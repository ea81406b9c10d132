/**
 * Bearer tokens and what they allow.
 *
 * A token maps to a grant: the namespace it writes to (if it may write) and the namespaces it reads, in order.
 *   write tokens        read main, write main             (trusted CI on protected branches)
 *   read tokens         read main                         (developer machines, forks)
 *   scoped tokens       read <ns> then main, write <ns>   (pull requests: `<ns>=<token>`, ns ≠ main)
 * A scoped token can never write where main reads, so an untrusted branch cannot plant an entry under a hash
 * main will later look up (the cache-poisoning class of CVE-2025-36852, "CREEP").
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_NAMESPACE, isValidNamespace } from './keys';

export type Access = 'none' | 'read' | 'write';

export interface Grant {
  /** Where PUTs go; undefined for read-only tokens. */
  writeNamespace?: string;
  /** Where GETs look, first hit wins. */
  readNamespaces: string[];
  /** For logs: which kind of token matched (never the token itself). */
  label: string;
}

export interface TokenConfig {
  /** Tokens allowed to GET and PUT in main. */
  writeTokens: string[];
  /** Tokens allowed to GET main only. */
  readTokens: string[];
  /** Tokens that write to their own namespace and read it, then main. */
  scopedTokens?: Array<{ namespace: string; token: string }>;
}

/** Tokens must be printable ASCII without spaces or quotes so they survive headers and shell `export` lines. */
const TOKEN_RE = /^[\x21\x23-\x26\x28-\x7e]{8,512}$/;

export function validateToken(token: string): string | null {
  if (!TOKEN_RE.test(token)) {
    return 'tokens must be 8-512 printable ASCII characters without spaces or quotes';
  }
  return null;
}

/** Splits a comma-separated env value into tokens (so a token can be rotated by listing old and new). */
export function parseTokenList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Parses `pr=tok1,pr-42=tok2` (NX_FASTLED_CACHE_SCOPED_TOKENS). */
export function parseScopedTokens(value: string | undefined): Array<{ namespace: string; token: string }> {
  return parseTokenList(value).map((item) => {
    const i = item.indexOf('=');
    const namespace = i > 0 ? item.slice(0, i) : '';
    const token = i > 0 ? item.slice(i + 1) : '';
    if (!isValidNamespace(namespace)) {
      throw new Error(
        `scoped token '${namespace || item.slice(0, 8)}…': expected <namespace>=<token> with a namespace of a-z 0-9 _ - (at most 63)`,
      );
    }
    if (namespace === DEFAULT_NAMESPACE) {
      throw new Error(`a scoped token cannot write to '${DEFAULT_NAMESPACE}': use a write token for trusted CI`);
    }
    return { namespace, token };
  });
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Resolves an `Authorization` header to a grant. Comparison is over fixed-length digests with timingSafeEqual
 * and always visits every configured token, so timing reveals neither a prefix nor which list matched.
 */
export class Authenticator {
  private readonly tokens: Array<{ digest: Buffer; grant: Grant }> = [];

  constructor(cfg: TokenConfig) {
    const add = (token: string, grant: Grant) => {
      const err = validateToken(token);
      if (err) throw new Error(err);
      this.tokens.push({ digest: digest(token), grant });
    };
    for (const t of cfg.writeTokens) add(t, { writeNamespace: DEFAULT_NAMESPACE, readNamespaces: [DEFAULT_NAMESPACE], label: 'write' });
    for (const t of cfg.readTokens) add(t, { readNamespaces: [DEFAULT_NAMESPACE], label: 'read' });
    for (const { namespace, token } of cfg.scopedTokens ?? []) {
      if (!isValidNamespace(namespace) || namespace === DEFAULT_NAMESPACE) throw new Error(`invalid scoped namespace '${namespace}'`);
      add(token, { writeNamespace: namespace, readNamespaces: [namespace, DEFAULT_NAMESPACE], label: `scoped:${namespace}` });
    }
    if (this.tokens.length === 0) throw new Error('at least one token is required');
  }

  /** The grant of the presented token, or undefined for a missing, malformed or unknown token. */
  grant(authorization: string | undefined): Grant | undefined {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (!m || m[1].length > 512) return undefined;
    const presented = digest(m[1]);
    let found: Grant | undefined;
    // Write tokens come first in the list; the first match wins but every comparison still runs.
    for (const t of this.tokens) if (timingSafeEqual(t.digest, presented) && !found) found = t.grant;
    return found;
  }

  check(authorization: string | undefined): Access {
    const g = this.grant(authorization);
    return !g ? 'none' : g.writeNamespace === DEFAULT_NAMESPACE ? 'write' : 'read';
  }
}
