/** The capability-change store's migrations, embedded in the binary at build time. */
import type { Migration } from "../../db";
import grants from "./001_grants.sql" with { type: "text" };

export const GRANTS_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "grants", sql: grants }];
