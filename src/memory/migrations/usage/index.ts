/** The gateway usage store's migrations, embedded in the binary at build time. */
import type { Migration } from "../../db";
import usage from "./001_usage.sql" with { type: "text" };

export const USAGE_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "usage", sql: usage }];
