/** The watchlist store's migrations (component "watches"), embedded in the binary at build time. */
import type { Migration } from "../../db";
import watches from "./001_watches.sql" with { type: "text" };

export const WATCHES_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "watches", sql: watches }];
