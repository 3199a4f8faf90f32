/**
 * aios-init: PID 1 of aiOS, or the same system on a host with --dev.
 * This file is the table of contents; each line is a phase of the machine's life.
 */
import { helloMs } from "./init/hello"; // first: PID 1's first line, before the rest is evaluated
import type { BootContext } from "./boot";
import type { Channel, InitEvent } from "./init";

// A client, not the system: `aios-init ctl VERB` talks to a running aiOS over its API (src/cli). It
// runs before the system's modules are even loaded (they are imported below), so it starts in ~1/3 the time.
if (process.argv[2] === "ctl" && process.pid !== 1) process.exit(await (await import("./cli")).ctl(process.argv.slice(3)));
const { API_URL, createContext, failTrialAndReboot, modelsCommand, PHASES, resolveOptions, runDeferred, runPhases, shutdownTarget, USAGE, UsageError } = await import("./boot");
const { Channel: EventChannel, consoleShell, DEV_SIGNALS, PID1_SIGNALS, shutdown, trapSignals } = await import("./init");
const { bootClockMs, buildInfo, errorMessage, log, reapOrphansSliced, watchEventLoop } = await import("./sys");

const REAP_INTERVAL_MS = 500;

async function main(): Promise<void> {
  const mainMs = bootClockMs();
  // A tool, not the system: `aios-init models import DIR` from a shell or the build.
  if (process.argv[2] === "models" && process.pid !== 1) process.exit(await modelsCommand(process.argv.slice(3)));
  const events = new EventChannel<InitEvent>();
  trapSignals(events, process.pid === 1 ? PID1_SIGNALS : DEV_SIGNALS); // first: Bun exits on SIGTERM otherwise
  surviveUncaughtErrors();
  watchEventLoop(); // every stall over 100 ms is logged and counted (GET /api/v1/system)

  const options = await readOptionsOrExit(process.argv.slice(2));
  const ctx = createContext(options, (action, origin) => events.push({ type: "power", action, origin }));
  ctx.report.mainMs = mainMs;
  ctx.report.helloMs = helloMs;

  await runPhases(ctx, PHASES, { emergency: (phase, ctx) => (ctx.update.trial ? failTrial(phase, ctx) : emergencyConsole(phase, ctx)) });
  await announceReady(ctx);
  if (ctx.mode === "pid1") reapOrphansForever();
  await serveEvents(ctx, events);
}

function surviveUncaughtErrors(): void {
  process.on("uncaughtException", (err) => log.error(`uncaught: ${err.stack ?? err.message}`));
  process.on("unhandledRejection", (err) => log.error(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
}

async function readOptionsOrExit(argv: string[]) {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  if (argv.includes("--version") && process.pid !== 1) {
    const b = buildInfo();
    console.log(`aios-init ${b.version}${b.commit ? ` (${b.commit})` : ""}`);
    process.exit(0);
  }
  try {
    return await resolveOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError) || process.pid === 1) throw err;
    console.error(`aios-init: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
}

async function emergencyConsole(phase: { name: string; steps: Array<{ name: string; error?: string }> }, ctx: BootContext): Promise<void> {
  const failed = phase.steps.find((s) => s.error);
  log.always(`emergency: phase ${phase.name} failed${failed ? ` at ${failed.name}: ${failed.error}` : ""}`);
  log.always("emergency: starting a shell on the console; exit it to go on booting");
  const code = await consoleShell(ctx.config.boot.shell, true).catch((err) => {
    log.error(`emergency: shell: ${errorMessage(err)}`);
    return -1;
  });
  log.always(`emergency: shell exited (${code}); resuming boot`);
}

/** A new image on trial that fails a required phase boots the previous one instead of waiting in a shell. */
async function failTrial(phase: { name: string; steps: Array<{ name: string; error?: string }> }, ctx: BootContext): Promise<void> {
  const failed = phase.steps.find((s) => s.error);
  await failTrialAndReboot(ctx, `boot phase ${phase.name} failed${failed ? ` at ${failed.name}: ${failed.error}` : ""}`);
}

async function announceReady(ctx: BootContext): Promise<void> {
  ctx.report.readyMs = bootClockMs();
  const api = ctx.products.find(API_URL);
  log.always(`ready in ${ctx.report.readyMs} ms${api ? ` (api ${api})` : ""}`);
  await runDeferred(ctx); // the steps ready does not need, still rows of the boot table
  for (const start of ctx.afterReady) start();
}

function reapOrphansForever(): void {
  // Sliced, and never two scans at once: thousands of orphans must not stall PID 1.
  const tick = async () => {
    for (const r of await reapOrphansSliced().catch(() => [])) log.debug(`reaped orphan ${r.pid} (${r.comm}), status ${r.status}`);
    setTimeout(tick, REAP_INTERVAL_MS);
  };
  setTimeout(tick, REAP_INTERVAL_MS);
}

async function serveEvents(ctx: BootContext, events: Channel<InitEvent>): Promise<never> {
  for (;;) {
    const event = await events.next();
    log.info(`${event.action} requested by ${event.origin}`);
    await shutdown(shutdownTarget(ctx), event.action);
  }
}

await main().catch((err) => {
  // PID 1 must never return: log and keep the process (and the kernel) alive.
  log.error(`aios-init: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (process.pid !== 1) process.exit(1);
  setInterval(() => {}, 1 << 30);
});
