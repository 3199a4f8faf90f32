/**
 * The catalogue guard: how it reads goals (planned, refused, unread) and what
 * it lets a model's call do under each reading. The loop's use of it in the
 * engine is in loop.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { autonomyFloor, catalogueGuard, vetCall } from "./guard";
import { FACTS, planningContext, REGISTRY } from "./planners/heuristic/testing";
import type { Reading } from "./types";

const guard = catalogueGuard();
const read = (goal: string) => guard.read(planningContext(goal));

describe("reading", () => {
  test("planned: every word read and a plan made", async () => {
    const r = await read("create the directory /srv/site");
    expect(r.kind).toBe("planned");
  });

  test("refused: understood and refused (a refusal entry, a safety line, a clause of a compound goal), or not read at all", async () => {
    for (const goal of ["format the disk", "delete /etc/shadow", "install nginx and make coffee", "rm -rf /", "x".repeat(2100)]) expect((await read(goal)).kind).toBe("refused");
  });

  test("unread: words nothing in the catalogue consumes", async () => {
    const r = await read("publish a note for the team in /srv");
    expect(r).toMatchObject({ kind: "unread" });
    expect(r.why).toContain('I did not understand "publish a note for the team in /srv"');
  });

  test("one reading per planning: the same context is read once", async () => {
    const ctx = planningContext("create the directory /srv/site");
    expect(guard.read(ctx)).toBe(guard.read(ctx));
  });
});

describe("a model's call under each reading", () => {
  const planned: Reading = {
    kind: "planned",
    why: "",
    plan: { summary: "write a file: /srv/ro/note.txt", tasks: [{ id: "w", title: "write", dependsOn: [], calls: [{ tool: "fs.write", args: { path: "/srv/ro/note.txt", content: "hello\n", createParents: true } }] }] },
  };
  const unread: Reading = { kind: "unread", why: "I did not understand" };
  const refused: Reading = { kind: "refused", why: "aiOS has no tool that formats disks" };

  test("planned: a change must be the catalogue's own (arguments compared once validated, defaults filled); looking is free", () => {
    expect(vetCall({ tool: "fs.write", args: { path: "/srv/ro/note.txt", content: "hello\n", createParents: true, encoding: "utf8" } }, planned, REGISTRY, FACTS)).toMatchObject({ ok: true, changes: true });
    const other = vetCall({ tool: "fs.write", args: { path: "/srv/ro/note.txt", content: "HELLO\n", createParents: true } }, planned, REGISTRY, FACTS);
    expect(other.ok).toBe(false);
    expect(!other.ok && other.why).toContain('the catalogue reads this goal as "write a file: /srv/ro/note.txt"; a change it does not plan');
    expect(vetCall({ tool: "fs.delete", args: { path: "/srv/ro" } }, planned, REGISTRY, FACTS).ok).toBe(false);
    expect(vetCall({ tool: "fs.stat", args: { path: "/srv/ro" } }, planned, REGISTRY, FACTS)).toMatchObject({ ok: true, changes: false });
  });

  test("refused: nothing, not even a look", () => {
    const r = vetCall({ tool: "fs.stat", args: { path: "/" } }, refused, REGISTRY, FACTS);
    expect(!r.ok && r.why).toBe("the catalogue reads this goal and refuses it (aiOS has no tool that formats disks); no model plans it");
  });

  test("unread: any valid call that crosses no safety line; the changes wait for a person", () => {
    expect(vetCall({ tool: "fs.write", args: { path: "/srv/note.txt", content: "x" } }, unread, REGISTRY, FACTS)).toMatchObject({ ok: true, changes: true });
    expect(autonomyFloor(unread)).toBe("manual");
    expect(autonomyFloor(planned)).toBeUndefined();
    for (const [tool, args, why] of [
      ["fs.read", { path: "/etc/shadow" }, "refused: /etc/shadow holds secrets; aiOS does not read it for a goal"],
      ["fs.delete", { path: "/etc", recursive: true }, "refused: /etc is a system directory"],
      ["fs.write", { path: "/etc/aios/config.toml", content: "x" }, "refused: /etc/aios/config.toml is protected"],
      ["process.kill", { pid: 1 }, "refused: PID 1 is aios-init"],
      ["firewall.close", { port: FACTS.apiPort }, `refused: port ${FACTS.apiPort} is the management API's`],
    ] as const) {
      const r = vetCall({ tool, args: args as Record<string, unknown> }, unread, REGISTRY, FACTS);
      expect(!r.ok && r.why).toStartWith(why);
    }
  });

  test("a tool that does not exist, or arguments that do not validate, are refused naming what is wrong", () => {
    expect(vetCall({ tool: "fs.nope", args: {} }, unread, REGISTRY, FACTS)).toEqual({ ok: false, why: "fs.nope is not a tool of this system" });
    const bad = vetCall({ tool: "fs.write", args: { path: "relative.txt", content: "x" } }, unread, REGISTRY, FACTS);
    expect(!bad.ok && bad.why).toStartWith("fs.write: path: ");
  });
});
