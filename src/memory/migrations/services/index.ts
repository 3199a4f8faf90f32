/** The service store's migrations, embedded in the binary at build time. */
import type { Migration } from "../../db";
import services from "./001_services.sql" with { type: "text" };

export const SERVICES_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "services", sql: services }];
