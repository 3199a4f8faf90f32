/**
 * The optional response cache: one JSON file per answer under
 * /var/lib/aios/cache/gateway, named by the sha256 of the normalised request
 * (keys sorted, the caller's signal and purpose left out) and of the
 * providers and models it could go to, so a config change misses. An entry
 * older than the TTL is a miss and is removed. A stream is stored only once
 * it has completed.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { log } from "../sys";
import type { Clock } from "./limiter";
import type { CompletionRequest, CompletionResult } from "./types";

interface Entry {
  storedAt: number;
  result: CompletionResult;
}

/** JSON with object keys sorted, so equal requests hash equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

export function requestKey(req: CompletionRequest, route: string): string {
  const { signal: _signal, purpose: _purpose, ...rest } = req;
  const h = new Bun.CryptoHasher("sha256");
  h.update(canonicalJson({ request: rest, route }));
  return h.digest("hex");
}

export class ResponseCache {
  constructor(
    readonly dir: string,
    readonly ttlMs: number,
    private readonly clock: Clock,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  get(key: string): CompletionResult | null {
    const path = join(this.dir, `${key}.json`);
    let entry: Entry;
    try {
      entry = JSON.parse(readFileSync(path, "utf8")) as Entry;
    } catch {
      return null; // absent, or torn by a crash: either way a miss
    }
    if (this.clock.now() - entry.storedAt >= this.ttlMs) {
      rmSync(path, { force: true });
      return null;
    }
    return entry.result;
  }

  put(key: string, result: CompletionResult): void {
    const path = join(this.dir, `${key}.json`);
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ storedAt: this.clock.now(), result } satisfies Entry), { mode: 0o600 });
      renameSync(tmp, path);
    } catch (err) {
      log.warn(`gateway: cache ${this.dir}: ${(err as Error).message}`); // a full disk costs the cache, not the call
    }
  }

  entries(): number {
    try {
      return readdirSync(this.dir).filter((f) => f.endsWith(".json")).length;
    } catch {
      return 0;
    }
  }
}
