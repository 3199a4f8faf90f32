/** The goal trace's migrations (working.db, component "trace"), embedded in the binary at build time. */
import type { Migration } from "../../db";
import trace from "./001_trace.sql" with { type: "text" };

export const TRACE_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "trace", sql: trace }];
