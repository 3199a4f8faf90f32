/**
 * Orderly shutdown: stop services in reverse start order, end every other
 * process, sync, unmount the data disk, then reboot(2). In dev mode the last
 * steps are skipped and the process exits 0 instead.
 */
import { errorCode, errorMessage, libc, log, openFilesUnder, processes } from "../sys";
import type { PowerAction } from "./events";

export interface ShutdownTarget {
  mode: "pid1" | "dev";
  services: Array<{ name: string; stop(): Promise<void> | void }>;
  dataMount?: string;
}

const SERVICE_STOP_MS = 3000;
const TERM_GRACE_MS = 1000;
const SIGTERM = 15;
const SIGKILL = 9;

const REBOOT_CMD: Record<PowerAction, number> = {
  poweroff: libc.RB.POWER_OFF,
  reboot: libc.RB.AUTOBOOT,
  halt: libc.RB.HALT_SYSTEM,
};

let inProgress = false;

async function stopServices(services: ShutdownTarget["services"]): Promise<void> {
  for (const service of [...services].reverse()) {
    const timeout = Bun.sleep(SERVICE_STOP_MS).then(() => "timeout" as const);
    try {
      const r = await Promise.race([Promise.resolve(service.stop()).then(() => "ok" as const), timeout]);
      log.info(`shutdown: ${service.name} ${r === "ok" ? "stopped" : `did not stop within ${SERVICE_STOP_MS} ms`}`);
    } catch (err) {
      log.warn(`shutdown: stop ${service.name}: ${errorMessage(err)}`);
    }
  }
}

/** User processes still alive: kernel threads have no cmdline, zombies are already dead. */
function survivors(): number {
  return processes().filter((p) => p.pid !== process.pid && p.state !== "Z" && p.ppid !== 2 && p.pid !== 2).length;
}

async function endProcesses(): Promise<void> {
  try {
    libc.kill(-1, SIGTERM);
  } catch (err) {
    if (errorCode(err) !== "ESRCH") throw err; // ESRCH: nothing else is running
    return;
  }
  for (const end = performance.now() + TERM_GRACE_MS; survivors() && performance.now() < end; ) await Bun.sleep(20);
  if (survivors()) {
    log.warn("shutdown: processes ignored SIGTERM; sending SIGKILL");
    try {
      libc.kill(-1, SIGKILL);
    } catch {
      // they went away between the check and the kill
    }
  }
}

function unmountData(target: string): void {
  try {
    libc.umount2(target);
    log.info(`shutdown: unmounted ${target}`);
  } catch (err) {
    // Something still holds it: read-only is as safe for the data as unmounted.
    const held = openFilesUnder(target);
    log.warn(`shutdown: ${errorMessage(err)}${held.length ? ` (aios-init still holds ${held.join(", ")})` : ""}; remounting read-only`);
    libc.mount("none", target, null, libc.MS.REMOUNT | libc.MS.RDONLY, null);
  }
}

export async function shutdown(target: ShutdownTarget, action: PowerAction): Promise<void> {
  if (inProgress) return;
  inProgress = true;
  log.always(`${action}: stopping services`);
  await stopServices(target.services);
  if (target.mode !== "pid1") {
    log.always(`${action}: dev mode ends the process`);
    process.exit(0);
  }
  try {
    await endProcesses();
    libc.sync();
    if (target.dataMount) unmountData(target.dataMount);
    libc.sync();
  } catch (err) {
    log.error(`shutdown: ${errorMessage(err)}; going on with ${action}`);
  }
  log.always(`${action} now`);
  try {
    libc.reboot(REBOOT_CMD[action]);
  } catch (err) {
    log.error(`${action}: ${errorMessage(err)}`); // PID 1 stays up whatever happens
    inProgress = false;
  }
}
