/** The approval queue's migrations, embedded in the binary at build time. */
import type { Migration } from "../../db";
import approvals from "./001_approvals.sql" with { type: "text" };
import onBehalfOf from "./002_on_behalf_of.sql" with { type: "text" };

export const APPROVALS_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "approvals", sql: approvals },
  { version: 2, name: "on_behalf_of", sql: onBehalfOf },
];
