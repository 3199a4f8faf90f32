/**
 * The catalogue, in the order clauses are tried: the first intent whose
 * `match` answers wins, so the more specific come first (a schedule before
 * what it schedules, a reverse proxy before a plain install, a user before a
 * package for "remove user bob", a setting before a whole file).
 */
import type { Intent } from "../intent";
import { checkEndpoint } from "./check";
import { freeDiskSpace } from "./cleanup";
import { editFile } from "./edit-file";
import { installPackage } from "./install";
import { configureProxy } from "./proxy";
import { removePackage } from "./remove";
import { scheduleJob } from "./schedule";
import { controlService } from "./service";
import { showUsage } from "./usage";
import { manageUser } from "./user";
import { writeFile } from "./write-file";

export const INTENTS: readonly Intent[] = [
  scheduleJob(() => INTENTS),
  configureProxy,
  manageUser,
  installPackage,
  removePackage,
  editFile,
  writeFile,
  checkEndpoint,
  freeDiskSpace,
  showUsage,
  controlService,
];

export { checkEndpoint, configureProxy, controlService, editFile, freeDiskSpace, installPackage, manageUser, removePackage, scheduleJob, showUsage, writeFile };
