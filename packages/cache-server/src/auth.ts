import { createHash, timingSafeEqual } from 'node:crypto';

export type Access = 'none' | 'read' | 'write';

export interface TokenConfig {
  /** Tokens allowed to GET and PUT. */
  writeTokens: string[];
  /** Tokens allowed to GET only. */
  readTokens: string[];
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

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Resolves an `Authorization` header to an access level. Comparison is over fixed-length digests with
 * timingSafeEqual and always visits every configured token, so timing reveals neither prefix nor which list matched.
 */
export class Authenticator {
  private readonly write: Buffer[];
  private readonly read: Buffer[];

  constructor(cfg: TokenConfig) {
    for (const t of [...cfg.writeTokens, ...cfg.readTokens]) {
      const err = validateToken(t);
      if (err) throw new Error(err);
    }
    this.write = cfg.writeTokens.map(digest);
    this.read = cfg.readTokens.map(digest);
    if (this.write.length + this.read.length === 0) throw new Error('at least one token is required');
  }

  check(authorization: string | undefined): Access {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (!m || m[1].length > 512) return 'none';
    const presented = digest(m[1]);
    let isWrite = false;
    let isRead = false;
    for (const t of this.write) isWrite = timingSafeEqual(t, presented) || isWrite;
    for (const t of this.read) isRead = timingSafeEqual(t, presented) || isRead;
    return isWrite ? 'write' : isRead ? 'read' : 'none';
  }
}
