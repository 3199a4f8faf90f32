/**
 * The boot's side of A/B updates (src/update) and the watchdog:
 * - the watchdog step (first of all): PID 1 feeds /dev/watchdog from here on,
 *   so a PID 1 that stops running its event loop reboots the machine;
 * - the system slot step (storage phase, once the data disk is mounted):
 *   report a fallback /init made, learn whether this boot is a trial;
 * - a trial ends here: right after ready, every required phase ok and a
 *   passing health check mark the slot good; a failed required phase (main.ts
 *   calls `failTrialAndReboot`), a failed check, or no verdict by the deadline
 *   reboot the machine, and /init falls back to the previous slot.
 */
import { errorMessage, log, openWatchdog } from "../../sys";
import { shutdown } from "../../init";
import { type BootContext, shutdownTarget } from "../context";
import { AGENTS, API_URL } from "../products";
import { defineStep } from "../step";

/** How often PID 1 feeds the watchdog; softdog's timeout is 60 s (initramfs/etc/modprobe.d/watchdog.conf). */
export const WATCHDOG_FEED_MS = 10_000;
/** A trial that has not passed by then has failed, even if nothing crashed (a phase that never returns). */
export const TRIAL_DEADLINE_MS = 10 * 60_000;
const HEALTH_TIMEOUT_MS = 15_000;

export const watchdogStep = defineStep({
  name: "watchdog",
  pid1Only: true,
  required: false,
  describe: () => `exec 3>/dev/watchdog; while :; do printf 1 >&3; sleep ${WATCHDOG_FEED_MS / 1000}; done &`,
  run: () => {
    const dog = openWatchdog();
    if (!dog) return { skip: "no /dev/watchdog (softdog not loaded)" };
    setInterval(() => dog.pet(), WATCHDOG_FEED_MS);
    return `fed every ${WATCHDOG_FEED_MS / 1000} s`;
  },
});

export const slotStep = defineStep({
  name: "system slot",
  required: false,
  describe: (ctx) => `cat ${ctx.update.dir}/state  # slot ${ctx.update.running ?? "none"}${ctx.update.trial ? ", on trial" : ""}`,
  run: (ctx) => {
    const line = ctx.update.boot();
    if (ctx.update.trial) {
      ctx.afterReady.push(() => void judgeTrial(ctx));
      setTimeout(() => {
        if (ctx.update.trial) void failTrialAndReboot(ctx, `not ready with a passing health check within ${TRIAL_DEADLINE_MS / 60_000} minutes`);
      }, TRIAL_DEADLINE_MS);
    }
    return line;
  },
});

/** Records why the trial failed and reboots; /init then boots the previous slot. Never resolves. */
export async function failTrialAndReboot(ctx: BootContext, reason: string): Promise<never> {
  try {
    ctx.update.failTrial(reason);
  } catch (err) {
    log.error(`update: recording the failed trial: ${errorMessage(err)}`);
  }
  await shutdown(shutdownTarget(ctx), "reboot");
  return new Promise<never>(() => {}); // the machine is rebooting
}

/** Why this boot does not count as healthy, or null when it does. */
export async function trialProblem(ctx: BootContext): Promise<string | null> {
  const bad = ctx.report.phases.filter((p) => p.required && p.status !== "ok");
  if (bad.length) return `required phase${bad.length > 1 ? "s" : ""} ${bad.map((p) => `${p.name} ${p.status}`).join(", ")}`;
  const api = ctx.products.find(API_URL);
  if (!api) return API_URL.absent;
  const url = new URL("/health", api.replace("//0.0.0.0:", "//127.0.0.1:"));
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), tls: { rejectUnauthorized: false } });
    if (res.status !== 200) return `GET ${url.pathname}: HTTP ${res.status}`;
  } catch (err) {
    return `GET ${url}: ${errorMessage(err)}`;
  }
  const agents = ctx.products.find(AGENTS);
  if (!agents) return "no agents are running";
  try {
    await agents.ask("system", { type: "health" }, HEALTH_TIMEOUT_MS);
  } catch (err) {
    return `the system agent's health check: ${errorMessage(err)}`;
  }
  return null;
}

async function judgeTrial(ctx: BootContext): Promise<void> {
  const problem = await trialProblem(ctx).catch((err) => `health check: ${errorMessage(err)}`);
  if (problem === null) {
    try {
      ctx.update.markGood("ready, every required phase ok, the API answers /health, the system agent answers its health check");
    } catch (err) {
      log.error(`update: marking the trial good: ${errorMessage(err)}`);
    }
    return;
  }
  await failTrialAndReboot(ctx, problem);
}
