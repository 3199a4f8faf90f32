/** The log rotation store's migrations (component "logs"), embedded in the binary at build time. */
import type { Migration } from "../../db";
import logs from "./001_logs.sql" with { type: "text" };

export const LOGS_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "logs", sql: logs }];
