/** The installed-packages store's migrations, embedded in the binary at build time. */
import type { Migration } from "../../db";
import packages from "./001_packages.sql" with { type: "text" };

export const PACKAGES_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "packages", sql: packages }];
