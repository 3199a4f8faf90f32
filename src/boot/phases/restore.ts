/**
 * What tools changed on the machine and the data disk keeps, put back at boot:
 * the hostname and time zone (storage phase, once the disk is mounted) and the
 * firewall rules (network phase, before the interface gets an address, so a
 * closed port is never open on the network). Each costs nothing when there is
 * nothing to restore: no nft run and no module loaded without rules.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { libc, log } from "../../sys";
import { FirewallManager, loadNfTables, rulesPath, systemFirewallOptions } from "../../tools/firewall";
import { currentHostname, HOSTNAME, LOCALTIME, readSetting, setProcessZone, writeLocaltime, ZONEINFO, zoneProblem } from "../../tools/sys";
import type { BootContext } from "../context";
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
  const valid = (z: string) => zoneProblem(dir, z, { icu: false }) === null;
  const c = chooseSetting("system.timezone", ctx.config.system.timezone, readSetting(ctx.paths.data, "timezone"), valid, ctx.cmdlineKeys);
  if (c.ignored) log.warn(`boot: ${join(ctx.paths.data, "system/timezone")}: "${c.ignored}" is not a zone in ${ZONEINFO}; using ${c.value}`);
  const localtime = join(ctx.paths.root, LOCALTIME);
  if (c.value === "UTC" && c.source === "config.toml" && !existsSync(localtime)) return "time zone UTC (default)";
  const problem = zoneProblem(dir, c.value, { icu: false });
  if (problem) {
    log.warn(`boot: time zone ${c.value} (${c.source}): ${problem}; staying on UTC`);
    return `time zone UTC (${c.value}: ${problem})`;
  }
  writeLocaltime(localtime, { kind: "link", target: `${ZONEINFO}/${c.value}` });
  setProcessZone(ctx.mode, c.value);
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

export const firewallStep = defineStep({
  name: "firewall",
  pid1Only: true,
  required: false,
  describe: (ctx) => `test -e ${rulesPath(ctx.paths.data)} && nft -f <rules as table inet aios>`,
  run: async (ctx) => {
    if (!existsSync(rulesPath(ctx.paths.data))) return { skip: "no rules kept" };
    const firewall = new FirewallManager(systemFirewallOptions(ctx.mode, ctx.paths.data));
    firewall.requireAvailable();
    const t0 = performance.now();
    loadNfTables();
    const t1 = performance.now();
    const { rules } = await firewall.restore();
    const ms = (a: number, b: number) => Math.round(b - a);
    return rules ? `${rules} rules in table inet aios (nf_tables ${ms(t0, t1)} ms, nft ${ms(t1, performance.now())} ms)` : { skip: "no rules kept" };
  },
});
