/** The tool-call store's migrations, embedded in the binary at build time. */
import type { Migration } from "../../db";
import calls from "./001_calls.sql" with { type: "text" };
import durability from "./002_durability.sql" with { type: "text" };

export const CALLS_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "calls", sql: calls },
  { version: 2, name: "durability", sql: durability },
];
