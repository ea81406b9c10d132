/**
 * Connection caps: overall, per client address, and a reserve that only authenticated clients can use.
 *
 * A connection counts as anonymous until one of its requests presents a valid token. Anonymous connections
 * may fill at most `maxConnections - authReserve` slots and `perClient` per address; when a new connection
 * would exceed either, the oldest anonymous connection (of that address, or overall) is dropped to make room
 * rather than the new one being refused, so a flood of idle or half-open connections cannot lock out a client
 * that sends its token right away. Authenticated connections are never dropped for room; when every slot is
 * taken by them, the new connection is refused.
 */
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  maxConnections: number;
  /** Slots only authenticated connections may use. */
  authReserve: number;
  /** Connections from one address. */
  perClient: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 1024, authReserve: 128, perClient: 256 };

interface Tracked {
  address: string;
  authed: boolean;
}

export class ConnectionGuard {
  private readonly conns = new Map<Socket, Tracked>(); // insertion order = age
  private anon = 0;
  private readonly perAddress = new Map<string, number>();
  dropped = 0;
  refused = 0;

  constructor(private readonly limits: ConnectionLimits) {
    if (limits.authReserve >= limits.maxConnections) throw new Error('the authenticated reserve must be below the connection cap');
  }

  get counts(): { total: number; anonymous: number } {
    return { total: this.conns.size, anonymous: this.anon };
  }

  /** Admits or refuses a new connection (call from the server's 'connection' event). */
  admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '?';
    if ((this.perAddress.get(address) ?? 0) >= this.limits.perClient && !this.dropOldestAnonymous(address)) return this.refuse(socket);
    if (this.anon >= this.limits.maxConnections - this.limits.authReserve && !this.dropOldestAnonymous()) return this.refuse(socket);
    if (this.conns.size >= this.limits.maxConnections && !this.dropOldestAnonymous()) return this.refuse(socket);
    this.conns.set(socket, { address, authed: false });
    this.anon++;
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.once('close', () => this.forget(socket));
  }

  /** A request on this connection presented a valid token. */
  authenticated(socket: Socket): void {
    const t = this.conns.get(socket);
    if (t && !t.authed) {
      t.authed = true;
      this.anon--;
    }
  }

  private forget(socket: Socket): void {
    const t = this.conns.get(socket);
    if (!t) return;
    this.conns.delete(socket);
    if (!t.authed) this.anon--;
    const n = (this.perAddress.get(t.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(t.address, n);
    else this.perAddress.delete(t.address);
  }

  private dropOldestAnonymous(address?: string): boolean {
    for (const [socket, t] of this.conns) {
      if (t.authed || (address !== undefined && t.address !== address)) continue;
      this.forget(socket);
      socket.destroy();
      this.dropped++;
      return true;
    }
    return false;
  }

  private refuse(socket: Socket): void {
    this.refused++;
    socket.destroy();
  }
}
