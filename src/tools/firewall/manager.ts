/**
 * The firewall behind the firewall.* tools and the boot step that restores it:
 * the kept rules (store.ts), nft to put them in the kernel, and one operation
 * at a time (a read-modify-write of the rule set must not interleave).
 *
 * Every change is made live first (`nft -f -` replaces table inet aios in one
 * transaction: it takes all of it or none) and then written to the data disk;
 * if the write fails, the previous rules go back into the kernel, so the disk
 * and the kernel never disagree once a call has answered.
 */
import { existsSync } from "node:fs";
import { errorMessage, loadModules, run } from "../../sys";
import { FirewallError } from "./errors";
import { type Change, type Protocol, type Rule, ruleKey } from "./model";
import { ABSENT, FAMILY, type LiveTable, parseLiveTable, rulesetScript, TABLE } from "./nft";
import { readRules, rulesPath, writeRules } from "./store";

/** How nft is run: the argv that stands for `nft` (the image's /usr/sbin/nft; tests add nsenter into a private network namespace). */
export interface NftCommand {
  argv: string[];
  env?: Record<string, string>;
}

export interface ProtectedPort {
  port: number;
  protocol: Protocol;
  /** What would be cut off, for the refusal: "the management API". */
  what: string;
}

export interface FirewallManagerOptions {
  /** Host path of rules.json. */
  rulesPath: string;
  /** null: no firewall here, `unavailable` says why. */
  nft: NftCommand | null;
  unavailable?: string;
  /** Makes sure the kernel side is there before the first nft call (PID 1: nf_tables by finit_module). */
  loadKernel?: () => void;
  protect?: ProtectedPort[];
  /** Longest one nft run may take. Default 15 s. */
  timeoutMs?: number;
}

export const NFT_PATH = "/usr/sbin/nft";
/** The modules nf_tables needs are its dependencies in modules.dep (nfnetlink, libcrc32c): loading it loads them. */
export const NFT_MODULES = ["nf_tables"];

let kernelLoaded = false;

/** PID 1's loader: nf_tables and its dependencies from modules.dep, once per boot, never modprobe. */
export function loadNfTables(): void {
  if (kernelLoaded) return;
  try {
    loadModules(NFT_MODULES);
  } catch (err) {
    throw new FirewallError("unavailable", `cannot load the kernel's nf_tables: ${errorMessage(err)}`, { cause: err });
  }
  kernelLoaded = true;
}

/** The firewall of this machine (PID 1), or why there is none (dev mode: never the host's). */
export function systemFirewallOptions(mode: "pid1" | "dev", dataDir: string): FirewallManagerOptions {
  const path = rulesPath(dataDir);
  if (mode !== "pid1") return { rulesPath: path, nft: null, unavailable: "unavailable in dev mode: aiOS changes the firewall of its own machine, never the host's" };
  if (!existsSync(NFT_PATH)) return { rulesPath: path, nft: null, unavailable: `${NFT_PATH} is not in this image` };
  return { rulesPath: path, nft: { argv: [NFT_PATH] }, loadKernel: loadNfTables };
}

export interface RestoreReport {
  rules: number;
  /** Loading nf_tables (0 when loaded already), and nft -f. */
  kernelMs: number;
  nftMs: number;
}

export interface ChangeResult {
  change: Change;
  live: LiveTable;
}

export class FirewallManager {
  private queue: Promise<unknown> = Promise.resolve();
  private guards: ProtectedPort[];

  constructor(private readonly opts: FirewallManagerOptions) {
    this.guards = [...(opts.protect ?? [])];
  }

  get available(): boolean {
    return this.opts.nft !== null;
  }

  get rulesPath(): string {
    return this.opts.rulesPath;
  }

  /** Ports that firewall.close refuses to close without force (boot sets the management API's). */
  setProtected(ports: ProtectedPort[]): void {
    this.guards = [...ports];
  }

  protectedPorts(): ProtectedPort[] {
    return [...this.guards];
  }

  protectedPort(port: number, protocol: Protocol): ProtectedPort | undefined {
    return this.guards.find((p) => p.port === port && p.protocol === protocol);
  }

  /** The kept rules, as on the data disk. */
  rules(): Rule[] {
    return readRules(this.opts.rulesPath);
  }

  /** Throws `unavailable` unless nft can run here. */
  requireAvailable(): NftCommand {
    if (!this.opts.nft) throw new FirewallError("unavailable", this.opts.unavailable ?? "no nft on this host");
    return this.opts.nft;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  private async nft(args: string[], stdin?: string, signal?: AbortSignal) {
    const cmd = this.requireAvailable();
    this.opts.loadKernel?.();
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run([...cmd.argv, ...args], { stdin, signal, env: cmd.env, timeoutMs: this.opts.timeoutMs ?? 15_000 });
    } catch (err) {
      throw new FirewallError("unavailable", `cannot run ${cmd.argv.join(" ")}: ${errorMessage(err)}`, { cause: err });
    }
    signal?.throwIfAborted();
    return r;
  }

  /** Puts exactly `rules` into the kernel (the whole table, atomically). Not cancellable: nft either took it or not, and the caller must know which. */
  async applyLive(rules: readonly Rule[]): Promise<void> {
    const r = await this.nft(["-f", "-"], rulesetScript(rules));
    if (r.exitCode !== 0) throw new FirewallError("nft_failed", `nft -f refused the ruleset (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}; nothing changed`);
  }

  /** The table as the kernel has it now. */
  async live(signal?: AbortSignal): Promise<LiveTable> {
    const r = await this.nft(["-j", "list", "table", FAMILY, TABLE], undefined, signal);
    if (r.exitCode !== 0) {
      if (/No such file or directory/.test(r.stderr)) return ABSENT;
      throw new FirewallError("nft_failed", `nft list table ${FAMILY} ${TABLE} (exit ${r.exitCode}): ${r.stderr.trim()}`);
    }
    try {
      return parseLiveTable(r.stdout);
    } catch (err) {
      throw new FirewallError("nft_failed", `nft -j list: unexpected output: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** The kept rules and the live table read together, after any change under way. */
  snapshot(signal?: AbortSignal): Promise<{ rules: Rule[]; live: LiveTable }> {
    this.requireAvailable();
    return this.exclusive(async () => ({ rules: this.rules(), live: await this.live(signal) }));
  }

  /**
   * Computes a change from the kept rules, puts it in the kernel, then on the
   * data disk. A change that changes nothing touches neither.
   * `before` sees the rules first (to refuse, or to save an undo record).
   */
  change(compute: (rules: Rule[]) => Change, signal?: AbortSignal, before?: (rules: Rule[], change: Change) => void): Promise<ChangeResult> {
    this.requireAvailable();
    return this.exclusive(async () => {
      const old = this.rules();
      const change = compute(old);
      before?.(old, change);
      if (change.added || change.removed.length) {
        signal?.throwIfAborted();
        await this.commit(old, change.rules);
      }
      return { change, live: await this.live(signal) };
    });
  }

  /** Live, then durable; a failed write puts the old rules back in the kernel. Never cancelled half-way: once nft took it, the disk must follow. */
  private async commit(old: readonly Rule[], rules: readonly Rule[]): Promise<void> {
    await this.applyLive(rules);
    try {
      writeRules(this.opts.rulesPath, rules);
    } catch (err) {
      await this.applyLive(old).catch(() => {});
      throw new FirewallError("bad_rules", `writing ${this.opts.rulesPath}: ${errorMessage(err)}; the previous rules are back in force`, { cause: err });
    }
  }

  /** Resolves once the kept rules are back in the kernel after a boot (at once where none wait); services start after it. */
  restored: Promise<void> = Promise.resolve();

  /** The kept rules back into the kernel. Nothing kept: nothing is loaded or run. */
  restore(): Promise<RestoreReport> {
    return this.exclusive(() => this.restoreNow());
  }

  /**
   * Boot: restores the kept rules once `gate` resolves (boot passes "after
   * ready": loading nf_tables and the first nft run cost about a second under
   * TCG), ahead of any firewall call made meanwhile. `restored` follows it.
   */
  restoreAfter(gate: Promise<unknown>): Promise<RestoreReport> {
    const done = this.exclusive(async () => {
      await gate;
      return this.restoreNow();
    });
    this.restored = done.then(
      () => {},
      () => {},
    );
    return done;
  }

  private async restoreNow(): Promise<RestoreReport> {
    const rules = this.rules();
    if (!rules.length) return { rules: 0, kernelMs: 0, nftMs: 0 };
    const t0 = performance.now();
    this.opts.loadKernel?.();
    const t1 = performance.now();
    await this.applyLive(rules);
    return { rules: rules.length, kernelMs: Math.round(t1 - t0), nftMs: Math.round(performance.now() - t1) };
  }

  /** Undo of one call: takes out the rule it added and puts back those it removed (unless a later call made a rule for the same port and source). */
  revert(added: Rule | null, removed: readonly Rule[]): Promise<void> {
    this.requireAvailable();
    return this.exclusive(async () => {
      const old = this.rules();
      let rules = added ? old.filter((r) => !(ruleKey(r) === ruleKey(added) && r.action === added.action)) : [...old];
      for (const r of removed) if (!rules.some((x) => ruleKey(x) === ruleKey(r))) rules = [...rules, r];
      await this.commit(old, rules);
    });
  }
}
