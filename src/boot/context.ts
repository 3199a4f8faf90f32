/**
 * What the boot phases share: the mode, the configuration, where things live,
 * the services started so far (stopped in reverse order at shutdown), and the
 * typed products of the steps run so far (products.ts).
 */
import { join } from "node:path";
import type { Config } from "../config";
import { UpdateManager, type Slot } from "../update";
import { buildInfo, osRelease } from "../sys";
import type { ShutdownTarget } from "../init/shutdown";
import { DATA_MOUNT, Products } from "./products";
import type { PhaseResult } from "./result";

export type Mode = "pid1" | "dev";

/** The filesystem layout of seed 003, rooted at `/` in the VM and at the state directory in dev mode. */
export interface Paths {
  root: string;
  etc: string;
  data: string;
  secrets: string;
  log: string;
  run: string;
}

export function layout(root: string): Paths {
  return {
    root,
    etc: join(root, "etc/aios"),
    data: join(root, "var/lib/aios"),
    secrets: join(root, "var/lib/aios/secrets"),
    log: join(root, "var/log/aios"),
    run: join(root, "run/aios"),
  };
}

/** Directories under /var/lib/aios that seed 003 names, plus secrets. */
export const DATA_DIRS = ["memory", "models", "vectors", "cache", "ledger", "secrets"] as const;

export interface Service {
  name: string;
  stop(): Promise<void> | void;
}

export type { Hardware } from "./products";

export interface BootReport {
  startedAt: number;
  readyMs: number | null;
  /** When aios-init's main() began, on the same clock as readyMs: what came before is the kernel, the initramfs and loading the program. */
  mainMs: number | null;
  /** When aios-init printed its first line, before its modules were evaluated, on the same clock (PID 1 only). */
  helloMs?: number | null;
  /** When initramfs/init started and switched to the system, on the same clock (PID 1 only). */
  initramfs?: { startMs: number; switchMs: number };
  phases: PhaseResult[];
}

export interface BootOptions {
  mode: Mode;
  config: Config;
  paths: Paths;
  /** Admin token from the kernel command line or --token; generated when absent. */
  token?: string;
  /** API port override (dev mode --port). 0 picks a free port. */
  port?: number;
  /** Dev mode's stand-in for the runtime disk (--runtime): what the guest mounts at /usr/lib/aios (lib/, models/). */
  runtimeDir?: string;
  /** Config keys (dotted) the kernel command line (--cmdline) set: they win over settings kept on the data disk (sys.hostname). */
  cmdlineKeys?: string[];
  /** The config file as loaded, for the last good configuration (boot/lastgood.ts). */
  configFile?: {
    path: string;
    /** The text, when it parsed as TOML. */
    text?: string;
    /** Why it could not be used at all. */
    unusable?: string;
    /** Overrides applied on top (kernel command line, --autonomy), to apply again to the last good one. */
    overrides: Array<{ pairs: Array<[string, string]>; origin?: string }>;
  };
  /** What initramfs/init passed (PID 1 only): the system slot it booted. */
  loader?: LoaderInfo;
}

export interface LoaderInfo {
  slot: Slot;
  /** This boot is the slot's trial: initramfs/init spent its try. */
  trial: boolean;
  /** Why /init did not boot the slot the boot state named, if it did not. */
  note?: string;
  /** When /init started and when it switched to the system, ms since the kernel started. */
  startMs?: number;
  switchMs?: number;
  /** /init started reading ahead the blocks of boot/readahead (src/sys/readahead.ts). */
  readahead?: boolean;
}

export interface BootContext extends BootOptions {
  report: BootReport;
  services: Service[];
  /** Asks PID 1 for a power action; the main loop carries it out. */
  power(action: "poweroff" | "reboot" | "halt", origin: string): void;
  /** Started once the ready line is out (and the deferred steps have run), so the REPL prompt is the last thing on the console. */
  afterReady: Array<() => void>;
  /** What the steps started so far hand to later ones (memory, tools, agents, ...), by typed token. */
  products: Products;
  /** A/B system updates: the slot this boot runs, whether it is on trial, installing and rolling back. */
  update: UpdateManager;
}

/** What shutdown needs of the boot: the services to stop and the data disk to unmount, if one was mounted. */
export function shutdownTarget(ctx: BootContext): ShutdownTarget {
  return { mode: ctx.mode, services: ctx.services, dataMount: ctx.products.find(DATA_MOUNT) };
}

/** The running image: its version from os-release (IMAGE_VERSION, build/mksystem.sh), the program's commit. */
export function imageInfo(root: string): { version: string; commit: string | null } {
  const build = buildInfo();
  const f = osRelease([join(root, "etc/os-release"), join(root, "usr/lib/os-release")])?.fields;
  return { version: (f?.ID === "aios" && f.IMAGE_VERSION) || build.version, commit: build.commit ?? (f?.ID === "aios" ? (f.BUILD_ID ?? null) : null) };
}

export function createContext(opts: BootOptions, power: BootContext["power"]): BootContext {
  const l = opts.loader;
  const update = new UpdateManager({
    dir: join(opts.paths.data, "boot"),
    running: l?.slot ?? null,
    trial: l?.trial ?? false,
    note: l?.note,
    image: imageInfo(opts.paths.root),
    publicKey: buildInfo().updateKey,
  });
  const initramfs = l?.startMs !== undefined && l.switchMs !== undefined ? { startMs: l.startMs, switchMs: l.switchMs } : undefined;
  return { ...opts, report: { startedAt: Date.now(), readyMs: null, mainMs: null, phases: [], initramfs }, services: [], afterReady: [], power, update, products: new Products() };
}
