/**
 * API tokens beyond the boot token: each has a name and a role, is shown once
 * when created, and is kept only as its sha256 (a token is 32 random bytes,
 * so a plain hash cannot be walked back, and one lookup per request finds
 * it). The store is one JSON file on the data disk (secrets/api-tokens.json,
 * 0600), replaced durably on every create and revoke before the answer goes
 * out; "last used" is kept in memory and written at most once a minute.
 *
 * A file, not a table: tokens must work when the memory step did not open
 * its databases, and there are a handful of them.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as v from "valibot";
import { log, writeFileDurable } from "../sys";
import { ROLES, type Role } from "./roles";

export const TOKEN_PREFIX = "aios_";
const MAX_TOKENS = 1000;
const TOUCH_WRITE_MS = 60_000;

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
}

interface TokenRecord extends TokenView {
  /** sha256 of the token, hex. */
  hash: string;
}

const FileSchema = v.object({
  tokens: v.array(
    v.object({
      id: v.string(),
      name: v.string(),
      role: v.picklist(ROLES),
      createdAt: v.number(),
      lastUsedAt: v.nullable(v.number()),
      hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    }),
  ),
});

export function tokenHash(token: string): string {
  return Bun.CryptoHasher.hash("sha256", token, "hex") as string;
}

export class TokenError extends Error {
  constructor(
    readonly code: "too_many" | "duplicate_name",
    message: string,
  ) {
    super(message);
  }
}

export class TokenStore {
  private readonly byHash = new Map<string, TokenRecord>();
  private touchTimer: ReturnType<typeof setTimeout> | undefined;

  /** `path` undefined: in memory only (tests, a system without a data disk). */
  constructor(private readonly path?: string) {
    if (!path || !existsSync(path)) return;
    try {
      const parsed = v.parse(FileSchema, JSON.parse(readFileSync(path, "utf8")));
      for (const t of parsed.tokens) this.byHash.set(t.hash, { ...t });
    } catch (err) {
      // An unreadable file must not lock the administrator out: the boot token still works.
      log.error(`api: tokens: ${path}: unreadable (${(err as Error).message}); only the boot token works until a token is created`);
    }
  }

  /** A new token: the secret is returned here and never again. */
  create(name: string, role: Role): { token: string; view: TokenView } {
    if (this.byHash.size >= MAX_TOKENS) throw new TokenError("too_many", `tokens: at most ${MAX_TOKENS}; revoke one first`);
    if ([...this.byHash.values()].some((t) => t.name === name)) throw new TokenError("duplicate_name", `name: a token named ${JSON.stringify(name)} exists; revoke it or pick another name`);
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const rec: TokenRecord = { id: `tok_${randomBytes(6).toString("hex")}`, name, role, createdAt: Date.now(), lastUsedAt: null, hash: tokenHash(token) };
    this.byHash.set(rec.hash, rec);
    try {
      this.save();
    } catch (err) {
      this.byHash.delete(rec.hash);
      throw err;
    }
    return { token, view: view(rec) };
  }

  list(): TokenView[] {
    return [...this.byHash.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(view);
  }

  /** Removes a token for good; false when there is none with that id. */
  revoke(id: string): TokenView | undefined {
    const rec = [...this.byHash.values()].find((t) => t.id === id);
    if (!rec) return undefined;
    this.byHash.delete(rec.hash);
    try {
      this.save();
    } catch (err) {
      this.byHash.set(rec.hash, rec);
      throw err;
    }
    return view(rec);
  }

  /** The token with this sha256, marking it used now. */
  find(hash: string): TokenView | undefined {
    const rec = this.byHash.get(hash);
    if (!rec) return undefined;
    rec.lastUsedAt = Date.now();
    this.touchLater();
    return rec;
  }

  /** Writes pending "last used" times now (shutdown). */
  flush(): void {
    if (this.touchTimer === undefined) return;
    clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
    this.saveQuietly();
  }

  private touchLater(): void {
    if (this.touchTimer !== undefined || !this.path) return;
    this.touchTimer = setTimeout(() => {
      this.touchTimer = undefined;
      this.saveQuietly();
    }, TOUCH_WRITE_MS);
    this.touchTimer.unref?.();
  }

  private saveQuietly(): void {
    try {
      this.save();
    } catch (err) {
      log.warn(`api: tokens: could not record when tokens were last used: ${(err as Error).message}`);
    }
  }

  private save(): void {
    if (!this.path) return;
    const tokens = [...this.byHash.values()].map((t) => ({ id: t.id, name: t.name, role: t.role, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, hash: t.hash }));
    writeFileDurable(this.path, `${JSON.stringify({ tokens }, null, 1)}\n`, { mode: 0o600 });
  }
}

function view(t: TokenView): TokenView {
  return { id: t.id, name: t.name, role: t.role, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt };
}
