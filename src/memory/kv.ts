/** Small runtime state in working memory: JSON values by key, written through (synchronous=FULL). */
import type { Db, Statement } from "./db";

export class KvStore {
  private readonly getStmt: Statement;
  private readonly setStmt: Statement;
  private readonly delStmt: Statement;
  private readonly listStmt: Statement;

  constructor(db: Db) {
    this.getStmt = db.prepare("SELECT value FROM kv WHERE key = ?");
    this.setStmt = db.prepare("INSERT INTO kv (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3");
    this.delStmt = db.prepare("DELETE FROM kv WHERE key = ?");
    // Prefix match without LIKE's wildcards: keys in [prefix, prefix + U+FFFF).
    this.listStmt = db.prepare("SELECT key, value FROM kv WHERE key >= ?1 AND key < ?1 || char(65535) ORDER BY key");
  }

  get<T = unknown>(key: string): T | undefined {
    const r = this.getStmt.get(key) as { value: string } | null;
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  /** Stores any JSON value; undefined deletes the key. */
  set(key: string, value: unknown): void {
    if (value === undefined) return void this.delete(key);
    this.setStmt.run(key, JSON.stringify(value), Date.now());
  }

  delete(key: string): boolean {
    return this.delStmt.run(key).changes > 0;
  }

  /** Every key starting with `prefix`, sorted. */
  list(prefix = ""): Array<{ key: string; value: unknown }> {
    return (this.listStmt.all(prefix) as Array<{ key: string; value: string }>).map((r) => ({ key: r.key, value: JSON.parse(r.value) }));
  }
}
