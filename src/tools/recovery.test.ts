/**
 * Recovery at boot (tools/recovery.ts), from the states a power cut leaves:
 * staged files a durable result promised, calls left running with or
 * without their change on disk, garbage in the spool, and call ids that must
 * not come back. The states are made on real files and a real ledger; a
 * power cut itself is test/vm/powercut.test.ts.
 */
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setSink, Staging } from "../sys";
import { fsTools } from "./fs";
import { openProbeSystem, type ProbeSystem } from "./probe.testing";

const previousSink = setSink(() => {});
afterAll(() => setSink(previousSink));

let s: ProbeSystem;
beforeEach(async () => {
  s = await openProbeSystem({ level: "full", tools: fsTools });
  s.capabilities.declare("ops", ["probe", "sec", "fs"]);
});
afterEach(() => s.dispose());

const spool = () => join(s.env.paths.data, "cache/staging");

/** A call whose request (and undo record) reached the disk, and nothing after: what a power cut mid-call leaves. */
function leftRunning(tool: string, args: unknown, undo: unknown): string {
  const seq = s.executor.calls.nextSeq();
  s.executor.calls.insert({ seq, ts: Date.now(), tool, agent: "ops", correlationId: "g7", args: JSON.stringify(args), status: "running" });
  if (undo !== undefined) s.executor.calls.saveUndo(seq, JSON.stringify(undo));
  s.ledger.append({ kind: "request", callId: `c${seq}`, tool, agent: "ops", correlationId: "g7", data: { args } });
  return `c${seq}`;
}

describe("calls left running", () => {
  test("a change found on disk is rolled back, audited, and the call says what was found and done", async () => {
    writeFileSync(s.host("/srv/log"), "abc");
    const id = leftRunning("fs.append", { path: "/srv/log", content: "def" }, { path: "/srv/log", size: 3 });
    writeFileSync(s.host("/srv/log"), "abcdef"); // the append reached the disk, its result did not
    s = await s.reopen();
    expect(readFileSync(s.host("/srv/log"), "utf8")).toBe("abc");
    const call = s.executor.getCall(id);
    expect(call.status).toBe("interrupted");
    expect(call.error?.message).toBe("aios-init stopped while the call ran; found present (/srv/log ends with the 3 bytes appended); rolled back");
    const kinds = s.ledger.query({ callId: id }).reverse().map((r) => [r.kind, (r.data as { by?: string; action?: string }).by ?? (r.data as { action?: string }).action ?? null]);
    expect(kinds).toEqual([["request", null], ["undo", "recovery"], ["undo", "recovery"], ["interrupted", "rolled back"]]);
    expect(s.ledger.verify().ok).toBe(true);
  });

  test("the content as audited (sha256 and size, never the bytes) is enough to find a write on disk", async () => {
    writeFileSync(s.host("/srv/key"), "old");
    const content = "new secret";
    const audited = { sha256: new Bun.CryptoHasher("sha256").update(content).digest("hex"), bytes: content.length };
    const id = leftRunning("fs.write", { path: "/srv/key", content: audited, encoding: "utf8", createParents: false }, { path: "/srv/key", before: { type: "file", size: 3, data: Buffer.from("old").toString("base64"), mode: 0o644, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, mtimeMs: 0 }, dirs: [] });
    writeFileSync(s.host("/srv/key"), content);
    s = await s.reopen();
    expect(s.executor.getCall(id).error?.message).toContain("found present (/srv/key holds the content written (10 bytes)); rolled back");
    expect(readFileSync(s.host("/srv/key"), "utf8")).toBe("old");
  });

  test("a change not on disk is left alone: nothing to undo", async () => {
    writeFileSync(s.host("/srv/conf"), "old");
    const id = leftRunning("fs.write", { path: "/srv/conf", content: "new" }, { path: "/srv/conf", before: null, dirs: [] });
    s = await s.reopen();
    expect(readFileSync(s.host("/srv/conf"), "utf8")).toBe("old");
    expect(s.executor.getCall(id).error?.message).toContain("found absent (/srv/conf holds other content (3 bytes)); nothing to undo");
  });

  test("a call that saved no undo record is left as found, and says so", async () => {
    const id = leftRunning("probe.touch", { path: "/srv/p", content: "x" }, undefined);
    s = await s.reopen();
    expect(s.executor.getCall(id).error?.message).toBe("aios-init stopped while the call ran; its effect on disk is unknown; left as found");
  });
});

describe("staged files", () => {
  test("renames a durable result promised are finished at boot; spool garbage is cleared", async () => {
    writeFileSync(s.host("/srv/site.conf"), "old");
    // The result row with its plan reached the disk; the power went before the rename.
    const seq = s.executor.calls.nextSeq();
    const staging = new Staging(`c${seq}`, spool());
    staging.write(s.host("/srv/site.conf"), "new");
    s.executor.calls.insert({ seq, ts: Date.now(), tool: "fs.write", agent: "ops", correlationId: null, args: '{"path":"/srv/site.conf","content":"new"}', status: "running" });
    s.executor.calls.finish(seq, { status: "done", result: "{}", errorCode: null, errorMessage: null, undo: null, finishedAt: Date.now(), pending: JSON.stringify(staging.plan) });
    await staging.prepare();
    writeFileSync(join(spool(), "c999.0"), "staged by a call whose result never reached the disk");
    s = await s.reopen();
    expect(readFileSync(s.host("/srv/site.conf"), "utf8")).toBe("new");
    expect(readdirSync(spool())).toEqual([]);
    expect(s.executor.calls.withPending()).toEqual([]);
    expect(s.ledger.query({ kind: "recovered" })[0]!.data).toEqual({ staged: [{ target: s.host("/srv/site.conf"), outcome: "redone" }] });
  });

  test("fs.write through the executor leaves no plan and nothing in the spool; a failure to make it durable puts nothing in place", async () => {
    const out = await s.executor.call({ tool: "fs.write", args: { path: "/srv/a", content: "A" }, agent: "ops" });
    expect(out.status).toBe("done");
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("A");
    // The plan is cleared in the next commit, not one of its own; until then it names renames a boot would find done.
    expect(s.executor.calls.withPending().map((c) => c.seq)).toEqual([1]);
    expect(readdirSync(spool())).toEqual([]);
    const prepare = Staging.prototype.prepare;
    Staging.prototype.prepare = () => Promise.reject(new Error("EIO"));
    try {
      await expect(s.executor.call({ tool: "fs.write", args: { path: "/srv/a", content: "B" }, agent: "ops" })).rejects.toThrow("could not be made durable");
    } finally {
      Staging.prototype.prepare = prepare;
    }
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("A");
    expect(s.executor.getCall("c2").status).toBe("failed");
    expect(s.ledger.query({ callId: "c2" }).map((r) => r.kind)).toEqual(["abandoned", "result", "request"]);
    expect(readdirSync(spool())).toEqual([]);
    expect(s.executor.calls.withPending()).toEqual([]);
  });

  test("two writes to one file: the second waits for the first to be in place, so its undo record holds the first's content", async () => {
    writeFileSync(s.host("/srv/same"), "0");
    const [a, b] = await Promise.all([
      s.executor.call({ tool: "fs.write", args: { path: "/srv/same", content: "1" }, agent: "ops" }),
      s.executor.call({ tool: "fs.write", args: { path: "/srv/same", content: "2" }, agent: "ops" }),
    ]);
    expect(readFileSync(s.host("/srv/same"), "utf8")).toBe("2");
    await s.executor.rollback(b.callId, "t");
    expect(readFileSync(s.host("/srv/same"), "utf8")).toBe("1");
    await s.executor.rollback(a.callId, "t");
    expect(readFileSync(s.host("/srv/same"), "utf8")).toBe("0");
  });
});

test("a write that waited for another to the same file looks at the file again: it keeps the mode the first one gave", async () => {
  writeFileSync(s.host("/srv/moded"), "0");
  chmodSync(s.host("/srv/moded"), 0o644);
  await Promise.all([
    s.executor.call({ tool: "fs.write", args: { path: "/srv/moded", content: "first", mode: "0600" }, agent: "ops" }),
    s.executor.call({ tool: "fs.write", args: { path: "/srv/moded", content: "second, longer" }, agent: "ops" }),
  ]);
  expect(readFileSync(s.host("/srv/moded"), "utf8")).toBe("second, longer");
  expect(statSync(s.host("/srv/moded")).mode & 0o777).toBe(0o600);
});

describe("call ids", () => {
  test("are never given out again after a crash lost the last calls' rows", async () => {
    for (let i = 0; i < 3; i++) await s.executor.call({ tool: "probe.peek", args: { path: "/srv/none" }, agent: "ops" });
    // A crash: no clean close (the reserved block stays reserved), and the power took the rows of c2 and c3.
    s.ledger.database.exec("DELETE FROM calls WHERE seq > 1");
    s.executor.close = () => {}; // what a crash does not do: give the unused ids back
    s = await s.reopen();
    const out = await s.executor.call({ tool: "probe.peek", args: { path: "/srv/none" }, agent: "ops" });
    expect(Number(out.callId.slice(1))).toBeGreaterThan(3);
  });

  test("after a clean stop the next boot goes on from the last id used", async () => {
    await s.executor.call({ tool: "probe.peek", args: { path: "/srv/none" }, agent: "ops" });
    s = await s.reopen();
    expect((await s.executor.call({ tool: "probe.peek", args: { path: "/srv/none" }, agent: "ops" })).callId).toBe("c2");
  });
});
