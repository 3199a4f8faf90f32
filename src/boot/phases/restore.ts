/**
 * What tools changed on the machine and the data disk keeps, put back at boot:
 * the hostname and time zone (storage phase, once the disk is mounted) and the
 * firewall rules (right after ready, before services start). Each costs
 * nothing when there is nothing to restore: no nft run and no module loaded
 * without rules.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, libc, log } from "../../sys";
import { rulesPath } from "../../tools/firewall";
import { currentHostname, HOSTNAME, LOCALTIME, readSetting, setProcessZone, writeLocaltime, ZONEINFO, zoneProblem } from "../../tools/sys";
import type { BootContext } from "../context";
import { TOOLS } from "../products";
import { defineStep } from "../step";

type Source = "kernel command line" | "data disk" | "config.toml";

/** Precedence: the kernel command line, then what sys.hostname / sys.timezone stored, then config.toml. */
export function chooseSetting(key: string, configured: string, stored: string | null, valid: (v: string) => boolean, cmdlineKeys: readonly string[] = []): { value: string; source: Source; ignored?: string } {
  if (cmdlineKeys.includes(key)) return { value: configured, source: "kernel command line" };
  if (stored !== null && valid(stored)) return { value: stored, source: "data disk" };
  return { value: configured, source: "config.toml", ignored: stored ?? undefined };
}

function applyHostname(ctx: BootContext): string {
  const c = chooseSetting("system.hostname", ctx.config.system.hostname, readSetting(ctx.paths.data, "hostname"), (v) => HOSTNAME.test(v), ctx.cmdlineKeys);
  if (c.ignored) log.warn(`boot: ${join(ctx.paths.data, "system/hostname")}: "${c.ignored}" is not a hostname; using ${c.value}`);
  if (currentHostname() !== c.value) libc.sethostname(c.value); // early set config.toml's
  return `hostname ${c.value} (${c.source})`;
}

function applyTimezone(ctx: BootContext): string {
  const dir = join(ctx.paths.root, ZONEINFO);
  // The zone was checked against ICU when sys.timezone stored it; boot checks only the file (ICU's first use costs time under TCG).
  const problems = new Map<string, string | null>();
  const problemOf = (z: string) => (problems.has(z) ? problems.get(z)! : problems.set(z, zoneProblem(dir, z, { icu: false })).get(z)!);
  const c = chooseSetting("system.timezone", ctx.config.system.timezone, readSetting(ctx.paths.data, "timezone"), (z) => problemOf(z) === null, ctx.cmdlineKeys);
  if (c.ignored) log.warn(`boot: ${join(ctx.paths.data, "system/timezone")}: "${c.ignored}" is not a zone in ${ZONEINFO}; using ${c.value}`);
  const localtime = join(ctx.paths.root, LOCALTIME);
  if (c.value === "UTC" && c.source === "config.toml" && !existsSync(localtime)) return "time zone UTC (default)";
  const problem = problemOf(c.value);
  if (problem) {
    log.warn(`boot: time zone ${c.value} (${c.source}): ${problem}; staying on UTC`);
    return `time zone UTC (${c.value}: ${problem})`;
  }
  writeLocaltime(localtime, { kind: "link", target: `${ZONEINFO}/${c.value}` });
  // aios-init's own clock right after ready: Bun re-reads its zone data when TZ changes (~0.1 s under TCG), and nothing before ready shows local time.
  ctx.afterReady.push(() => setProcessZone(ctx.mode, c.value));
  return `time zone ${c.value} (${c.source})`;
}

export const settingsStep = defineStep({
  name: "hostname and time zone",
  pid1Only: true,
  required: false,
  describe: (ctx) => {
    const d = join(ctx.paths.data, "system");
    return `hostname $(cat ${d}/hostname); ln -sf ${ZONEINFO}/$(cat ${d}/timezone) ${LOCALTIME}; export TZ=$(cat ${d}/timezone)`;
  },
  run: (ctx) => `${applyHostname(ctx)}, ${applyTimezone(ctx)}`,
});

/**
 * Services phase, once the tool system is open: with rules kept, the tool
 * system's firewall restores them right after ready (loading nf_tables and
 * the first nft run cost about a second under TCG: not on the way to ready),
 * ahead of any firewall call and before supervised services start. Until
 * then only aios-init listens: the management API, which is closed only with
 * force. No rules: nothing is loaded or run.
 */
export const firewallStep = defineStep({
  name: "firewall",
  pid1Only: true,
  required: false,
  describe: (ctx) => `test -e ${rulesPath(ctx.paths.data)} && nft -f <rules as table inet aios> (after ready)`,
  // Reading and checking the rules waits too: even that is tens of ms under TCG.
  run: (ctx) => {
    // Read here, not as a need: with no rules kept, the step says so whether or not the tools step ran.
    const firewall = ctx.products.find(TOOLS)?.executor.host.firewall;
    if (!existsSync(rulesPath(ctx.paths.data))) return { skip: "no rules kept" };
    if (!firewall) return { skip: "no tool system" };
    firewall.requireAvailable();
    firewall.restoreAfter(new Promise<void>((go) => ctx.afterReady.push(go))).then(
      (r) => r.rules && log.info(`firewall: ${r.rules} rules back in table inet aios after ready (nf_tables ${r.kernelMs} ms, nft ${r.nftMs} ms)`),
      (err) => log.error(`firewall: the kept rules could not be restored: ${errorMessage(err)}; ports closed before the reboot are OPEN`),
    );
    return "rules kept: restored right after ready, before services start";
  },
});
