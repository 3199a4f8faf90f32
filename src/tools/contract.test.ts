/**
 * The contract suite: every tool in the catalog, through the real executor and
 * a real on-disk ledger, in a sandbox (see contract.ts for what is checked and
 * the fixture each family provides).
 */
import { afterAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_FS_ROOTS } from "../config";
import { LongTermMemory } from "../memory";
import { setSink } from "../sys";
import { CATALOG } from "./catalog";
import { type ContractEnv, type ContractFixture, snapshotTree, treeDiff } from "./contract.testing";
import { namespaceOf, type Tool, type ToolEnv } from "./define";
import { AlreadyUndoneError, NotReversibleError, ToolForbiddenError, ToolInputError } from "./errors";
import { openToolSystem } from "./system";

const previousSink = setSink(() => {});
const dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-contract-")));
const root = join(dir, "sandbox");
const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
// The net fixtures listen on loopback, which the egress policy denies by default: an explicit allowance.
const env: ToolEnv = { mode: "dev", root, fsRoots: [...DEFAULT_FS_ROOTS], paths, egress: { allowOutbound: true, allow: ["127.0.0.1"], managementPorts: () => [] } };
const longterm = LongTermMemory.open(join(dir, "longterm.db"), { chunkSize: 1200, chunkOverlap: 100 });
const sys = await openToolSystem({ ledgerPath: join(dir, "ledger/audit.db"), env, level: "full", host: { knowledge: longterm } });
const AGENT = "contract";
const OUTSIDER = "outsider";
sys.capabilities.declare(AGENT, ["*"]);
sys.capabilities.declare(OUTSIDER, []);
const t: ContractEnv = { env, host: (p) => join(root, p), executor: sys.executor, agent: AGENT };

afterAll(async () => {
  await sys.close();
  longterm.close();
  rmSync(dir, { recursive: true, force: true });
  setSink(previousSink);
});

/** Each tool starts from a sandbox whose fs roots exist and are empty. */
function freshSandbox(): void {
  rmSync(root, { recursive: true, force: true });
  for (const r of env.fsRoots) mkdirSync(join(root, r), { recursive: true });
}

const fixtures = new Map<string, ContractFixture>();
const missingFiles = new Map<string, string>();
for (const ns of new Set(CATALOG.map((tool) => namespaceOf(tool.name)))) {
  try {
    const mod = (await import(`./${ns}/fixtures.testing.ts`)) as { fixtures?: Record<string, ContractFixture> };
    for (const [name, f] of Object.entries(mod.fixtures ?? {})) fixtures.set(name, f);
  } catch (err) {
    missingFiles.set(ns, (err as Error).message);
  }
}

const argsOf = (f: ContractFixture) => (typeof f.args === "function" ? f.args(t) : f.args);

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to be refused, and it succeeded");
}

function rowsSince(seq: number) {
  return sys.ledger.query({ afterSeq: seq, limit: 1000 }).reverse();
}

const lastSeq = () => sys.ledger.query({ limit: 1 })[0]?.seq ?? 0;

async function withFixture(f: ContractFixture, fn: () => Promise<void>): Promise<void> {
  freshSandbox();
  try {
    await f.setup?.(t);
    await fn();
  } finally {
    await f.teardown?.(t);
  }
}

describe("the catalog", () => {
  test("has tools, each named once, each with a fixture", () => {
    expect(CATALOG.length).toBeGreaterThan(0);
    expect(new Set(CATALOG.map((x) => x.name)).size).toBe(CATALOG.length);
    const missing = CATALOG.filter((x) => !fixtures.has(x.name)).map((x) => `${x.name}${missingFiles.has(namespaceOf(x.name)) ? ` (${missingFiles.get(namespaceOf(x.name))})` : ""}`);
    expect(missing).toEqual([]);
  });

  // Goal answers are composed from these: a tool without one leaves a hole in the answer.
  test("every tool summarizes its output for a person", () => {
    expect(CATALOG.filter((x) => typeof x.summarize !== "function").map((x) => x.name)).toEqual([]);
  });

  test("each tool's input converts to a JSON Schema object", () => {
    for (const d of sys.registry.describeAll()) expect(d.inputSchema.type).toBe("object");
  });
});

for (const tool of CATALOG as Tool[]) {
  const f = fixtures.get(tool.name);
  describe(tool.name, () => {
    // Schema failures stop before the ledger; a tool's own checks (a path escaping its roots,
    // an unknown agent) run inside the call, so the attempt is audited as a failed call.
    test.skipIf(!f)("refuses bad input with an error naming the field, changing nothing", async () => {
      expect(f!.invalid.length).toBeGreaterThan(0);
      for (const bad of f!.invalid) {
        await withFixture(f!, async () => {
          const tree = snapshotTree(root);
          const state = f!.state?.(t);
          const before = lastSeq();
          const err = await rejection(sys.executor.call({ tool: tool.name, args: bad.args, agent: AGENT }));
          expect(err).toBeInstanceOf(ToolInputError);
          expect({ args: bad.args, field: (err as ToolInputError).field }).toEqual({ args: bad.args, field: bad.field });
          expect(err.message).toContain(bad.field);
          expect(treeDiff(tree, snapshotTree(root))).toEqual([]);
          expect(f!.state?.(t)).toEqual(state);
          const rows = rowsSince(before).map((r) => [r.kind, (r.data as { error?: { code: string }; field?: string }).error?.code ?? (r.data as { field?: string }).field ?? null]);
          // Refused by the schema: one `refused` row naming the field (issue 11); by the tool itself: its request and failed result.
          expect([[["refused", bad.field]], [["request", null], ["result", "invalid_input"]]]).toContainEqual(rows);
        });
      }
    });

    test.skipIf(!f)("refuses an agent without the capability: nothing runs, only the refusal is audited", async () => {
      await withFixture(f!, async () => {
        const tree = snapshotTree(root);
        const state = f!.state?.(t);
        const before = lastSeq();
        const err = await rejection(sys.executor.call({ tool: tool.name, args: argsOf(f!), agent: OUTSIDER }));
        expect(err).toBeInstanceOf(ToolForbiddenError);
        expect((err as ToolForbiddenError).capability).toBe(tool.name);
        expect(err.message).toContain(tool.name);
        expect(treeDiff(tree, snapshotTree(root))).toEqual([]);
        expect(f!.state?.(t)).toEqual(state);
        expect(rowsSince(before).map((r) => [r.kind, r.agent, r.tool])).toEqual([["refused", OUTSIDER, tool.name]]);
      });
    });

    test.skipIf(!f || Boolean(f.skip))(`runs, is audited${tool.reversible ? ", and undo restores the exact prior state" : ""}`, async () => {
      await withFixture(f!, async () => {
        const tree = snapshotTree(root);
        const state = f!.state?.(t);
        const out = await sys.executor.call({ tool: tool.name, args: argsOf(f!), agent: AGENT, correlationId: `contract-${tool.name}` });
        expect(out.status).toBe("done");
        if (out.status !== "done") return;
        await f!.verify?.(out.result, t);
        const summary = tool.summarize?.(out.result, v.parse(tool.input, argsOf(f!)));
        expect(typeof summary).toBe("string");
        expect(summary!.trim()).not.toBe("");
        expect(summary).not.toMatch(/undefined|NaN|\[object Object\]/);
        const rows = sys.ledger.query({ callId: out.callId }).reverse();
        expect(rows.map((r) => r.kind)).toEqual(["request", "result"]);
        expect((rows[1]!.data as { ok: boolean }).ok).toBe(true);

        if (!tool.reversible) {
          await expect(sys.executor.rollback(out.callId, "contract")).rejects.toBeInstanceOf(NotReversibleError);
          return;
        }
        const changedTree = treeDiff(tree, snapshotTree(root));
        const changedState = !Bun.deepEquals(state, f!.state?.(t));
        if (f!.changes !== false) expect(changedTree.length > 0 || changedState).toBe(true);
        expect(sys.executor.getCall(out.callId).undo.available).toBe(true);
        await sys.executor.rollback(out.callId, "contract");
        expect(treeDiff(tree, snapshotTree(root))).toEqual([]);
        expect(f!.state?.(t)).toEqual(state);
        const undoRows = sys.ledger.query({ callId: out.callId, kind: "undo" }).reverse();
        expect(undoRows.map((r) => (r.data as { stage: string; ok?: boolean }).stage)).toEqual(["request", "result"]);
        expect((undoRows[1]!.data as { ok: boolean }).ok).toBe(true);
        await expect(sys.executor.rollback(out.callId, "contract")).rejects.toBeInstanceOf(AlreadyUndoneError);
      });
    });

    if (f?.skip) test.skip(`runs (skipped: ${f.skip})`, () => {});
  });
}

test("the ledger's chain holds after the whole suite", () => {
  expect(sys.ledger.verify()).toMatchObject({ ok: true });
});
