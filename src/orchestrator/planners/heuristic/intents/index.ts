/**
 * The catalogue, in the order clauses are tried: the first intent whose
 * patterns consume the whole clause wins, so the more specific come first.
 * Refusals first (no other intent may read a part of "delete the audit
 * log"); log rotation policies before schedules ("rotate logs daily keeping
 * 7" is a policy, not a job); schedules before what they schedule; the
 * playbooks and the reverse proxy before the plain intents they contain;
 * the knowledge base last (a question another intent reads is about the
 * system's state).
 */
import type { Intent } from "../intent";
import { auditQuery, auditVerify } from "./audit";
import { freeDiskSpace, logPolicies, logPolicy, rotateLogs } from "./cleanup";
import { editFile } from "./edit-file";
import { changeMode, copyMove, deletePath, makeDir, makeSymlink } from "./files-change";
import { findFiles, listDir, readFile, statPath } from "./files-read";
import { firewallList, firewallPort, firewallRemoveRule } from "./firewall";
import { knowledge } from "./knowledge";
import { showLogs } from "./logs";
import { checkEndpoint, listeningPorts, networkInterfaces, pingHost, resolveName } from "./network";
import { installLoosely, installPackage, listPackages, packageInfo, searchPackages, updateIndex, upgradePackages } from "./packages";
import { diskFull, serviceDown, slowSystem, systemHealth } from "./playbooks";
import { findProcesses, killProcess, processInfo, signalProcess } from "./process";
import { configureProxy } from "./proxy";
import { REFUSALS } from "./refusals";
import { removePackage } from "./remove";
import { listJobs, removeJob, scheduleJob } from "./schedule";
import { checkConfig, controlService, listServices, removeService, restartPolicy } from "./service";
import { hostname, power, showHostname, showTime, timezone, undo } from "./system";
import { diskUsageByDir, hardware, pressure, showUsage, topProcesses, uptime, version } from "./usage";
import { listUsers, lockUser, manageUser, sessions, userGroups, userInfo } from "./user";
import { unwatch, watch, watchlist } from "./watch";
import { writeFile } from "./write-file";

export const INTENTS: readonly Intent[] = [
  ...REFUSALS,
  logPolicy,
  scheduleJob(),
  slowSystem,
  diskFull,
  serviceDown,
  systemHealth,
  configureProxy,
  manageUser,
  userGroups,
  lockUser,
  installPackage,
  removePackage,
  upgradePackages,
  editFile,
  writeFile,
  deletePath,
  makeDir,
  makeSymlink,
  changeMode,
  copyMove,
  restartPolicy,
  removeService,
  checkConfig,
  undo,
  hostname,
  timezone,
  power,
  firewallRemoveRule,
  firewallPort,
  firewallList,
  checkEndpoint,
  pingHost,
  resolveName,
  listeningPorts,
  networkInterfaces,
  freeDiskSpace,
  rotateLogs,
  logPolicies,
  topProcesses,
  diskUsageByDir,
  showUsage,
  uptime,
  showHostname,
  showTime,
  version,
  pressure,
  hardware,
  packageInfo,
  listPackages,
  searchPackages,
  updateIndex,
  auditVerify,
  auditQuery,
  watch,
  unwatch,
  watchlist,
  showLogs,
  listServices,
  controlService,
  listJobs,
  removeJob,
  killProcess,
  signalProcess,
  processInfo,
  findProcesses,
  userInfo,
  listUsers,
  sessions,
  readFile,
  listDir,
  statPath,
  findFiles,
  // After every intent that reads its verbs otherwise ("get the logs", "set up a reverse proxy").
  installLoosely,
  knowledge,
];

export {
  auditQuery, auditVerify, changeMode, checkConfig, checkEndpoint, configureProxy, controlService, copyMove, deletePath, diskFull, diskUsageByDir, editFile, findFiles, findProcesses,
  firewallList, firewallPort, firewallRemoveRule, freeDiskSpace, hardware, hostname, installPackage, killProcess, knowledge, listDir, listeningPorts, listJobs, listPackages, listServices,
  listUsers, lockUser, logPolicies, logPolicy, makeDir, makeSymlink, manageUser, networkInterfaces, packageInfo, pingHost, power, pressure, processInfo, readFile, removeJob,
  removePackage, removeService, resolveName, restartPolicy, rotateLogs, scheduleJob, searchPackages, serviceDown, sessions, showLogs, showUsage, showHostname, showTime, signalProcess,
  slowSystem, statPath, systemHealth, timezone, topProcesses, undo, unwatch, updateIndex, upgradePackages, uptime, userGroups, userInfo, version, watch, watchlist, writeFile,
};
