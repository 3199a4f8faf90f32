/**
 * Every tool aiOS has, family by family. To add a family: import its array
 * and spread it into CATALOG (one line each). A family whose tools need a
 * long-lived service (a service manager...) also adds a HostProvider that
 * starts it and returns the ToolHost members it declared.
 */
import type { Db } from "../memory";
import type { Tool, ToolEnv, ToolHost } from "./define";
import { firewallHost, firewallTools } from "./firewall";
import { fsTools } from "./fs";
import { hwTools } from "./hw";
import { logHost, logTools } from "./log";
import { memoryTools } from "./memory";
import { monitorHost, monitorTools } from "./monitor";
import { netTools } from "./net";
import { pkgHost, pkgTools } from "./pkg";
import { processTools } from "./process";
import { scheduleHost, scheduleTools } from "./schedule";
import { secTools } from "./sec";
import { serviceHost, serviceTools } from "./service";
import { sysTools } from "./sys";
import { userTools } from "./user";

export const CATALOG: readonly Tool[] = [
  ...firewallTools,
  ...fsTools,
  ...hwTools,
  ...logTools,
  ...memoryTools,
  ...monitorTools,
  ...netTools,
  ...pkgTools,
  ...processTools,
  ...scheduleTools,
  ...secTools,
  ...serviceTools,
  ...sysTools,
  ...userTools,
];

/** What a family's provider adds to the host the executor hands its tools, and how to stop it. */
export interface HostPart {
  host: Partial<ToolHost>;
  stop?(): void | Promise<void>;
}

/** What a provider gets: where tools act, the one shared working-db connection, and what the providers before it added. */
export interface HostContext {
  env: ToolEnv;
  /** working.db (synchronous=FULL), shared by every family's store; the tool system's owner closes it. */
  working: Db;
  host: Partial<ToolHost>;
}

export type HostProvider = (ctx: HostContext) => HostPart | Promise<HostPart>;

// pkgHost first: services wait for it to put back recorded packages whose files are gone.
export const HOST_PROVIDERS: readonly HostProvider[] = [pkgHost, serviceHost, monitorHost, scheduleHost, logHost, firewallHost];
