/** The scheduled jobs store's migrations (component "schedules"), embedded in the binary at build time. */
import type { Migration } from "../../db";
import schedules from "./001_schedules.sql" with { type: "text" };
import owner from "./002_owner.sql" with { type: "text" };

export const SCHEDULES_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "schedules", sql: schedules },
  { version: 2, name: "owner", sql: owner },
];
