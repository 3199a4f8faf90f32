/** Working memory's key/value table (working.db, component "kv"), embedded in the binary at build time. */
import type { Migration } from "../../db";
import kv from "./001_kv.sql" with { type: "text" };

export const KV_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "kv", sql: kv }];
