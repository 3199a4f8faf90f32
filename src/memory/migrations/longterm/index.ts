/** Long-term memory's migrations (longterm.db, component "longterm"), embedded in the binary at build time. */
import type { Migration } from "../../db";
import knowledge from "./001_knowledge.sql" with { type: "text" };
import vectors from "./002_vectors.sql" with { type: "text" };

export const LONGTERM_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "knowledge", sql: knowledge },
  { version: 2, name: "vectors", sql: vectors },
];
