/**
 * Every tool aiOS has, family by family. To add a family: import its array
 * and spread it into CATALOG (one line each). A family whose tools need a
 * long-lived service (a service manager...) also adds a HostProvider that
 * starts it and returns the ToolHost members it declared.
 */
import type { HostProvider, Tool } from "./define";
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

export type { HostContext, HostPart, HostProvider } from "./define";

// pkgHost first: services wait for it to put back recorded packages whose files are gone.
export const HOST_PROVIDERS: readonly HostProvider[] = [pkgHost, serviceHost, monitorHost, scheduleHost, logHost, firewallHost];
