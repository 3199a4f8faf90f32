/**
 * Browser sessions: POST /api/v1/session trades a token for a random session
 * id in an HttpOnly cookie; the server keeps the record (who, which role,
 * from which token, until when) in memory and never the token itself. A
 * reboot signs everyone out; revoking a token ends the sessions it opened.
 */
import { randomBytes } from "node:crypto";
import type { Role } from "./roles";

export const SESSION_COOKIE = "aios_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;

export interface Session {
  id: string;
  /** The token's name ("boot" for the boot token). */
  name: string;
  role: Role;
  /** The token it came from; null for the boot token. */
  tokenId: string | null;
  createdAt: number;
  expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  /** `now` is injectable so expiry is tested against a clock, not against how busy the machine is. */
  constructor(
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  create(who: { name: string; role: Role; tokenId: string | null }): Session {
    if (this.sessions.size >= MAX_SESSIONS) this.evict();
    const now = this.now();
    const s: Session = { id: randomBytes(32).toString("base64url"), ...who, createdAt: now, expiresAt: now + this.ttlMs };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string): Session | undefined {
    const s = this.sessions.get(id);
    if (s && s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  /** Ends every session opened with this token (it was revoked). */
  endForToken(tokenId: string): number {
    let n = 0;
    for (const [id, s] of this.sessions) if (s.tokenId === tokenId && this.sessions.delete(id)) n++;
    return n;
  }

  /** Expired sessions first, then the oldest, so the store stays bounded. */
  private evict(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
    if (this.sessions.size < MAX_SESSIONS) return;
    const oldest = this.sessions.keys().next().value;
    if (oldest !== undefined) this.sessions.delete(oldest);
  }
}
