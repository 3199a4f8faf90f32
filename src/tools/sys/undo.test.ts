import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_FS_ROOTS } from "../../config";
import { setSink } from "../../sys";
import type { ToolEnv } from "../define";
import { openToolSystem, type ToolSystem } from "../system";
import { collectUndoCopies, copiesWanted, undoCacheDir } from "../undo-cache";
import { sysUndo } from "./undo";

const previousSink = setSink(() => {});
const dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-undo-")));
const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
const env: ToolEnv = { mode: "dev", root: join(dir, "sandbox"), fsRoots: [...DEFAULT_FS_ROOTS], paths };
const host = (p: string) => join(env.root, p);
let sys: ToolSystem;

afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
  setSink(previousSink);
});

beforeEach(async () => {
  await sys?.close();
  rmSync(paths.data, { recursive: true, force: true });
  rmSync(env.root, { recursive: true, force: true });
  mkdirSync(host("/srv"), { recursive: true });
  sys = await openToolSystem({ ledgerPath: join(paths.data, "ledger/audit.db"), env, level: "full" });
  sys.capabilities.declare("admin", ["fs", "sys.undo"]);
  sys.capabilities.declare("narrow", ["fs.write", "sys.undo"]);
});

async function run(tool: string, args: unknown, agent = "admin", correlationId?: string) {
  const out = await sys.executor.call({ tool, args, agent, correlationId });
  if (out.status !== "done") throw new Error("held");
  return out;
}
const undo = async (args: unknown, agent = "admin") => (await run("sys.undo", args, agent)).result as { target: string; undone: Array<{ callId: string; tool: string; what: string }>; failed: unknown };
const failure = (p: Promise<unknown>) => p.then(() => "ok", (e) => `${e.code}: ${e.message}`);

describe("sys.undo", () => {
  test("{} undoes the most recent change that can still be undone, skipping read-only and undone calls", async () => {
    await run("fs.write", { path: "/srv/a", content: "one" });
    const mk = await run("fs.mkdir", { path: "/srv/d" });
    await run("fs.read", { path: "/srv/a" });
    const r = await undo({});
    expect(r).toMatchObject({ target: "latest", undone: [{ callId: mk.callId, tool: "fs.mkdir" }], failed: null });
    expect(r.undone[0]!.what).toContain("/srv/d");
    expect(existsSync(host("/srv/d"))).toBe(false);
    const again = await undo({});
    expect(again.undone.map((u) => u.tool)).toEqual(["fs.write"]);
    expect(existsSync(host("/srv/a"))).toBe(false);
    expect(await failure(undo({}))).toBe("nothing_to_undo: aiOS: nothing to undo (no change can still be undone)");
    expect(sysUndo.summarize!(r as never, {})).toMatch(new RegExp(`^Undid ${mk.callId} \\(fs\\.mkdir\\): `));
  });

  test("{goal} undoes a goal's changes newest first, only with the capability of every tool (authority never transfers)", async () => {
    await run("fs.write", { path: "/srv/a", content: "one" }, "admin", "g1");
    await run("fs.mkdir", { path: "/srv/d" }, "admin", "g1");
    await run("fs.write", { path: "/srv/other", content: "x" }, "admin", "g2");
    expect(await failure(undo({ goal: 1 }, "narrow"))).toBe("forbidden: agent narrow lacks capability fs.mkdir");
    expect([existsSync(host("/srv/a")), existsSync(host("/srv/d"))]).toEqual([true, true]);
    const r = await undo({ goal: 1 });
    expect(r.undone.map((u) => u.tool)).toEqual(["fs.mkdir", "fs.write"]);
    expect([existsSync(host("/srv/a")), existsSync(host("/srv/d")), existsSync(host("/srv/other"))]).toEqual([false, false, true]);
    expect(await failure(undo({ goal: 1 }))).toBe("nothing_to_undo: goal 1: nothing to undo (none of its changes can still be undone)");
    // The audit names who undid it, through which call.
    const rows = sys.ledger.query({ kind: "undo", limit: 10 }).filter((x) => (x.data as { stage: string }).stage === "request");
    expect((rows[0]!.data as { by: string }).by).toMatch(/^admin \(sys\.undo c\d+\)$/);
  });

  test("{call} undoes that call; an undone, read-only or unknown call is refused naming it", async () => {
    const w = await run("fs.write", { path: "/srv/a", content: "one" }, "narrow");
    const read = await run("fs.read", { path: "/srv/a" });
    expect((await undo({ call: w.callId }, "narrow")).undone.map((u) => u.callId)).toEqual([w.callId]);
    expect(await failure(undo({ call: w.callId }))).toBe(`already_undone: ${w.callId}: already undone`);
    expect(await failure(undo({ call: read.callId }))).toBe(`not_reversible: ${read.callId}: fs.read is not reversible`);
    expect(await failure(undo({ call: "c999" }))).toBe("unknown_call: c999: no such call");
    expect(await failure(run("sys.undo", { call: "12" }))).toContain("args.call");
  });

  test("undo copies go once their call is undone; the boot sweep keeps those still undoable and those of unknown calls", async () => {
    const big = "x".repeat(64 * 1024);
    writeFileSync(host("/srv/big"), big);
    const w = await run("fs.write", { path: "/srv/big", content: big.replace("x", "y") });
    const kept = await run("fs.write", { path: "/srv/big", content: "small" });
    expect(readdirSync(undoCacheDir(env)).sort()).toEqual([kept.callId, w.callId].sort());
    await undo({ call: kept.callId });
    expect(readdirSync(undoCacheDir(env))).toEqual([w.callId]);
    for (const name of ["c999", "notacall", "c1"]) mkdirSync(join(undoCacheDir(env), name), { recursive: true });
    // c1 is w (undoable still); c999 no call knows; "notacall" is not the tool system's.
    const removed = collectUndoCopies(env, (seq) => sys.executor.calls.get(seq), (tool) => Boolean(sys.registry.get(tool)?.undo));
    expect(removed).toEqual([]);
    sys.executor.calls.markUndone(Number(w.callId.slice(1)), Date.now());
    expect(collectUndoCopies(env, (seq) => sys.executor.calls.get(seq), () => true)).toEqual([w.callId]);
    expect(readdirSync(undoCacheDir(env)).sort()).toEqual(["c999", "notacall"]);
  });

  test("which copies are still wanted", () => {
    const rec = { seq: 1, ts: 0, tool: "fs.write", agent: "a", correlationId: null, args: "{}", result: null, errorCode: null, errorMessage: null, finishedAt: 1, undoneAt: null, undo: "{}", status: "done", pending: null } as const;
    const yes = () => true;
    expect(copiesWanted(rec, yes)).toBe(true);
    expect(copiesWanted({ ...rec, undoneAt: 5 }, yes)).toBe(false);
    expect(copiesWanted({ ...rec, undo: null }, yes)).toBe(false);
    expect(copiesWanted({ ...rec, status: "failed", undo: null }, yes)).toBe(false);
    expect(copiesWanted(rec, () => false)).toBe(false);
    // Interrupted before its undo record was saved: the copy may be the only way back by hand.
    expect(copiesWanted({ ...rec, status: "interrupted", undo: null }, yes)).toBe(true);
    // Interrupted with its record (saved before the change): as any call, until boot's recovery or a person undoes it.
    expect(copiesWanted({ ...rec, status: "interrupted" }, yes)).toBe(true);
    expect(copiesWanted({ ...rec, status: "interrupted", undoneAt: 5 }, yes)).toBe(false);
    expect(copiesWanted({ ...rec, status: "running", undo: null }, yes)).toBe(true);
    expect(copiesWanted(undefined, yes)).toBe(true);
  });
});
