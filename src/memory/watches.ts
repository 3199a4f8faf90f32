/**
 * The watchlist in the working database (component "watches"): what the
 * autonomy loop checks on each tick (a service that must run, a URL that
 * must answer, a TCP port that must accept) and what it saw last time. The
 * monitor.watch tools write it; the loop reads it and records each check.
 */
import type { Statement } from "bun:sqlite";
import { applyMigrations, type Db, openDatabase } from "./db";
import { WATCHES_MIGRATIONS } from "./migrations/watches";

export interface WatchSpec {
  name: string;
  service: string | null;
  url: string | null;
  port: { host: string; port: number } | null;
  everyS: number;
}

export interface Watch extends WatchSpec {
  createdAt: number;
  updatedAt: number;
  lastCheckAt: number | null;
  lastOk: boolean | null;
  lastDetail: string | null;
}

interface Raw {
  name: string;
  service: string | null;
  url: string | null;
  port_host: string | null;
  port: number | null;
  every_s: number;
  created_at: number;
  updated_at: number;
  last_check_at: number | null;
  last_ok: number | null;
  last_detail: string | null;
}

function toWatch(r: Raw): Watch {
  return {
    name: r.name,
    service: r.service,
    url: r.url,
    port: r.port_host !== null && r.port !== null ? { host: r.port_host, port: r.port } : null,
    everyS: r.every_s,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastCheckAt: r.last_check_at,
    lastOk: r.last_ok === null ? null : r.last_ok === 1,
    lastDetail: r.last_detail,
  };
}

export class WatchStore {
  private readonly upsert: Statement;
  private readonly put: Statement;
  private readonly del: Statement;
  private readonly one: Statement;
  private readonly all: Statement;
  private readonly check: Statement;

  /** Its own connection to the working database (the tool host's). */
  static open(path: string): WatchStore {
    return new WatchStore(openDatabase(path), true);
  }

  constructor(
    private readonly db: Db,
    private readonly owned = false,
  ) {
    applyMigrations(db, "watches", WATCHES_MIGRATIONS);
    // A changed spec starts with a clean check history: the old one was about something else.
    this.upsert = db.prepare(
      `INSERT INTO watches (name, service, url, port_host, port, every_s, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
       ON CONFLICT (name) DO UPDATE SET service = ?2, url = ?3, port_host = ?4, port = ?5, every_s = ?6, updated_at = ?7,
         last_check_at = NULL, last_ok = NULL, last_detail = NULL`,
    );
    this.put = db.prepare(
      `INSERT OR REPLACE INTO watches (name, service, url, port_host, port, every_s, created_at, updated_at, last_check_at, last_ok, last_detail)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`,
    );
    this.del = db.prepare("DELETE FROM watches WHERE name = ?");
    this.one = db.prepare("SELECT * FROM watches WHERE name = ?");
    this.all = db.prepare("SELECT * FROM watches ORDER BY name");
    this.check = db.prepare("UPDATE watches SET last_check_at = ?2, last_ok = ?3, last_detail = ?4 WHERE name = ?1");
  }

  get(name: string): Watch | null {
    const r = this.one.get(name) as Raw | null;
    return r ? toWatch(r) : null;
  }

  list(): Watch[] {
    return (this.all.all() as Raw[]).map(toWatch);
  }

  /** Adds a watch or replaces one's spec (keeping when it was created); returns it as stored. */
  set(spec: WatchSpec, now = Date.now()): Watch {
    this.upsert.run(spec.name, spec.service, spec.url, spec.port?.host ?? null, spec.port?.port ?? null, spec.everyS, now);
    return this.get(spec.name)!;
  }

  /** Puts back a watch exactly as it was (undo), check history included. */
  restore(w: Watch): void {
    this.put.run(w.name, w.service, w.url, w.port?.host ?? null, w.port?.port ?? null, w.everyS, w.createdAt, w.updatedAt, w.lastCheckAt, w.lastOk === null ? null : w.lastOk ? 1 : 0, w.lastDetail);
  }

  remove(name: string): boolean {
    return this.del.run(name).changes > 0;
  }

  /** What the autonomy loop saw; false when the watch is gone. */
  recordCheck(name: string, ok: boolean, detail: string | null, at = Date.now()): boolean {
    return this.check.run(name, at, ok ? 1 : 0, detail).changes > 0;
  }

  /** Closes the database if this store opened it. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
