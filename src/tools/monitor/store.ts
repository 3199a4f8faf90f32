/**
 * The watchlist in the working database (component "watches"): what the
 * autonomy loop checks on each tick (a service that must run, a URL that
 * must answer, a TCP port that must accept) and what it saw last time. The
 * monitor.watch tools write it; the loop reads it and records each check.
 */
import { type Db, type Migration, NamedStore, type NamedTable, openDatabase } from "../../memory";
import watchesSql from "./migrations/001_watches.sql" with { type: "text" };

export interface WatchSpec {
  name: string;
  service: string | null;
  url: string | null;
  port: { host: string; port: number } | null;
  everyS: number;
}

/** What the last check saw. */
export interface WatchCheck {
  lastCheckAt: number | null;
  lastOk: boolean | null;
  lastDetail: string | null;
}

export interface Watch extends WatchSpec, WatchCheck {
  createdAt: number;
  updatedAt: number;
}

const MIGRATIONS: readonly Migration[] = [{ version: 1, name: "watches", sql: watchesSql }];

export const WATCHES: NamedTable<WatchSpec, Watch, WatchCheck> = {
  table: "watches",
  migrations: MIGRATIONS,
  specColumns: ["service", "url", "port_host", "port", "every_s"],
  historyColumns: ["last_check_at", "last_ok", "last_detail"],
  specRow: (s) => ({ service: s.service, url: s.url, port_host: s.port?.host ?? null, port: s.port?.port ?? null, every_s: s.everyS }),
  historyRow: (h) => ({ last_check_at: h.lastCheckAt, last_ok: h.lastOk === null ? null : h.lastOk ? 1 : 0, last_detail: h.lastDetail }),
  historyOf: (w) => ({ lastCheckAt: w.lastCheckAt, lastOk: w.lastOk, lastDetail: w.lastDetail }),
  entry: (r) => ({
    name: r.name as string,
    service: r.service as string | null,
    url: r.url as string | null,
    port: r.port_host !== null && r.port !== null ? { host: r.port_host as string, port: r.port as number } : null,
    everyS: r.every_s as number,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    lastCheckAt: r.last_check_at as number | null,
    lastOk: r.last_ok === null ? null : r.last_ok === 1,
    lastDetail: r.last_detail as string | null,
  }),
  // A changed spec starts with a clean check history: the old one was about something else.
  specClearsHistory: true,
};

export class WatchStore extends NamedStore<WatchSpec, Watch, WatchCheck> {
  /** Its own connection to the working database (the tool host's). */
  static open(path: string): WatchStore {
    return new WatchStore(openDatabase(path), true);
  }

  constructor(db: Db, owned = false) {
    super(WATCHES, db, owned);
  }

  /** What the autonomy loop saw; false when the watch is gone. */
  recordCheck(name: string, ok: boolean, detail: string | null, at = Date.now()): boolean {
    return this.record(name, { lastCheckAt: at, lastOk: ok, lastDetail: detail });
  }
}
