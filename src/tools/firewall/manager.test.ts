/**
 * The FirewallManager against the real thing: the image's nft (out/build/nft,
 * staged by `make image`) in a private network namespace of this host's
 * kernel (nsenter into `unshare -n sleep`), so the host's own firewall is
 * never touched. Skipped where that cannot run (not root, no unshare, no
 * build): the VM test (test/vm/system.test.ts) covers the same in the guest.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { FirewallError } from "./errors";
import { FirewallManager, type NftCommand } from "./manager";
import { closePort, openPort, ruleKey } from "./model";
import { inSync, LOOPBACK_COMMENT } from "./nft";
import { readRules, rulesPath } from "./store";

const STAGE = resolve(import.meta.dir, "../../../out/build/nft");
const NFT = join(STAGE, "usr/sbin/nft");
const unshare = Bun.which("unshare");
const nsenter = Bun.which("nsenter");

function why(): string | null {
  if (process.getuid?.() !== 0) return "needs root (a network namespace)";
  if (!unshare || !nsenter) return "needs unshare and nsenter (util-linux)";
  if (!existsSync(NFT)) return "needs out/build/nft (make image)";
  const probe = Bun.spawnSync([unshare, "-n", NFT, "list", "ruleset"], { env: { LD_LIBRARY_PATH: join(STAGE, "usr/lib/x86_64-linux-gnu") } });
  if (probe.exitCode !== 0) return `nft cannot run in a private network namespace here: ${probe.stderr.toString().trim()}`;
  return null;
}

const skip = why();
if (skip) console.warn(`firewall manager tests skipped: ${skip}`);

describe.skipIf(Boolean(skip))("the firewall manager, with nft in a private network namespace", () => {
  let ns: Subprocess;
  let nft: NftCommand;
  const dir = mkdtempSync(join(tmpdir(), "aios-nft-"));
  const manager = (path = rulesPath(dir)) => new FirewallManager({ rulesPath: path, nft });

  beforeAll(() => {
    ns = Bun.spawn([unshare!, "-n", "sleep", "600"]);
    nft = { argv: [nsenter!, "-t", String(ns.pid), "-n", "--", NFT], env: { LD_LIBRARY_PATH: join(STAGE, "usr/lib/x86_64-linux-gnu") } };
  });
  afterAll(() => {
    ns.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test("nothing kept: restore runs nothing and the kernel has no table of ours", async () => {
    const m = manager();
    expect(await m.restore()).toEqual({ rules: 0, kernelMs: 0, nftMs: 0 });
    expect(await m.live()).toEqual({ present: false, policy: null, rules: [] });
  });

  test("close puts a counting drop rule in the kernel and on disk; open takes it back; both in sync", async () => {
    const m = manager();
    const closed = await m.change((rules) => closePort(rules, { port: 8081, protocol: "tcp", from: null }));
    expect(closed.live.present).toBe(true);
    expect(closed.live.policy).toBe("accept");
    expect(closed.live.rules.map((r) => [r.comment, r.verdict, r.packets])).toEqual([
      [LOOPBACK_COMMENT, "accept", null],
      ["tcp/8081", "drop", 0],
    ]);
    expect(readRules(m.rulesPath).map(ruleKey)).toEqual(["tcp/8081"]);

    const opened = await m.change((rules) => openPort(rules, { port: 8081, protocol: "tcp", from: "10.0.0.0/8" }));
    expect(opened.change.removed).toEqual([]); // a narrower accept does not take back the drop for every source
    expect(opened.live.rules.map((r) => r.comment)).toEqual([LOOPBACK_COMMENT, "tcp/8081 from 10.0.0.0/8", "tcp/8081"]);
    expect(inSync(opened.change.rules, opened.live)).toBe(true);

    const all = await m.change((rules) => openPort(rules, { port: 8081, protocol: "tcp", from: null }));
    expect(all.change.removed.map(ruleKey)).toEqual(["tcp/8081"]);
    expect(all.live.rules.map((r) => [r.comment, r.verdict])).toEqual([
      [LOOPBACK_COMMENT, "accept"],
      ["tcp/8081 from 10.0.0.0/8", "accept"],
      ["tcp/8081", "accept"],
    ]);
  });

  test("revert (undo) takes out what a call added and puts back what it removed", async () => {
    const m = manager();
    const before = m.rules();
    const c = await m.change((rules) => closePort(rules, { port: 8081, protocol: "tcp", from: null }));
    expect(c.change.removed.length).toBe(2);
    await m.revert(c.change.added, c.change.removed);
    expect(m.rules().map(ruleKey).sort()).toEqual(before.map(ruleKey).sort());
    const live = await m.live();
    expect(inSync(m.rules(), live)).toBe(true);
  });

  test("after a reboot (the table gone), restore puts the kept rules back", async () => {
    const m = manager();
    await m.applyLive([]);
    expect((await m.live()).present).toBe(false);
    expect(await manager().restore()).toMatchObject({ rules: m.rules().length });
    expect(inSync(m.rules(), await m.live())).toBe(true);
  });

  test("boot's restore waits for its gate (ready), calls made meanwhile queue behind it, and `restored` follows it", async () => {
    const m = manager();
    await m.applyLive([]);
    let open!: () => void;
    const restoring = m.restoreAfter(new Promise<void>((go) => (open = go)));
    let restored = false;
    void m.restored.then(() => (restored = true));
    const kept = m.rules().length;
    const meanwhile = m.change((rules) => closePort(rules, { port: 1004, protocol: "udp", from: null }));
    const listed = m.snapshot();
    await Bun.sleep(50);
    expect(restored).toBe(false);
    open();
    expect((await restoring).rules).toBe(kept);
    await m.restored;
    expect(restored).toBe(true);
    expect((await meanwhile).change.rules.length).toBe(kept + 1);
    const snap = await listed; // queued behind both
    expect(snap.rules.length).toBe(kept + 1);
    expect(inSync(snap.rules, snap.live)).toBe(true);
  });

  test("a failed write puts the previous rules back in the kernel: disk and kernel never disagree", async () => {
    // Readable as "no rules yet" (ENOENT), but nothing can be created there.
    const path = "/proc/self/aios-firewall/rules.json";
    const m = manager(path);
    expect(m.rules()).toEqual([]);
    const err = await m.change((rules) => closePort(rules, { port: 443, protocol: "tcp", from: null })).catch((e) => e);
    expect(err).toBeInstanceOf(FirewallError);
    expect(err.code).toBe("bad_rules");
    expect(err.message).toContain("previous rules are back in force");
    expect((await m.live()).present).toBe(false); // no rules kept under that path: the table is gone again
    await manager().restore(); // the other tests' rules, back for the next one
  });

  test("calls run one at a time: concurrent changes all land", async () => {
    const m = manager();
    await Promise.all([1001, 1002, 1003].map((port) => m.change((rules) => closePort(rules, { port, protocol: "udp", from: null }))));
    expect(m.rules().filter((r) => r.protocol === "udp" && r.port < 1004).map((r) => r.port).sort()).toEqual([1001, 1002, 1003]);
    expect(inSync(m.rules(), await m.live())).toBe(true);
  });
});
