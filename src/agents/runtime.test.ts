import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { ActorCrashedError, createActorSystem, type ActorRef, type SupervisorMsg, supervisor } from "../actors";
import { setSink } from "../sys";
import {
  type CallOutcome,
  type CallRequest,
  Capabilities,
  defineTool,
  hwInfo,
  monitorDisk,
  monitorMemory,
  type Tool,
  type ToolCaller,
  type ToolContext,
  ToolDeniedError,
  ToolForbiddenError,
  ToolInputError,
  ToolNotFoundError,
} from "../tools";
import { AGENTS } from "./builtin";
import { defineAgent } from "./define";
import { BadMessageError, CallQueuedError, NoAgentForToolError, UnknownAgentError, UnknownMessageError } from "./errors";
import { type AgentRuntime, startAgents } from "./runtime";

const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterAll(() => setSink(previousSink));

// Real tools, on the real host: a file's stat, /proc/meminfo, statfs of /, the CPU list.
const fsStat = defineTool({
  name: "fs.stat",
  description: "stat a file",
  input: v.strictObject({ path: v.string("must be a string") }),
  output: v.object({ size: v.number(), mode: v.number() }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 1000,
  execute: ({ path }) => {
    const s = statSync(path);
    return { size: s.size, mode: s.mode & 0o7777 };
  },
});
// monitor.memory, monitor.disk and hw.info are the real tools (the summaries read their typed results).
/** Sleeps until its time is up or the caller's signal fires. */
const processWait = defineTool({
  name: "process.wait",
  description: "sleep",
  input: v.strictObject({ ms: v.number() }),
  output: v.object({ slept: v.number() }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5000,
  execute: ({ ms }, ctx) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve({ slept: ms }), ms);
      ctx.signal.addEventListener("abort", () => (clearTimeout(t), reject(ctx.signal.reason)));
    }),
});
const TOOLS: Tool[] = [fsStat, monitorMemory, monitorDisk, hwInfo, processWait];

/**
 * The executor's essential order, kept minimal: tool lookup, input validation,
 * the real Capabilities check, execution with a signal. `hold` makes the gate
 * queue a tool's calls, settled by `decide`.
 */
class MiniCaller implements ToolCaller {
  readonly requests: CallRequest[] = [];
  readonly hold = new Set<string>();
  private n = 0;
  private readonly held = new Map<string, (ok: boolean) => void>();
  constructor(
    private readonly tools: Tool[],
    private readonly caps: Capabilities,
  ) {}

  async call(req: CallRequest): Promise<CallOutcome> {
    this.requests.push(req);
    const tool = this.tools.find((t) => t.name === req.tool);
    if (!tool) throw new ToolNotFoundError(req.tool);
    const parsed = v.safeParse(tool.input, req.args);
    if (!parsed.success) throw new ToolInputError(tool.name, v.getDotPath(parsed.issues[0]) ?? "args", parsed.issues[0].message);
    if (!this.caps.allows(req.agent, tool.name)) throw new ToolForbiddenError(req.agent, tool.name);
    const callId = `call-${++this.n}`;
    if (this.hold.has(tool.name)) {
      const approvalId = `appr-${this.n}`;
      const settled = new Promise((resolve, reject) => this.held.set(approvalId, (ok) => (ok ? resolve("approved") : reject(new ToolDeniedError(tool.name, approvalId, "test")))));
      return { status: "queued", callId, approvalId, settled };
    }
    const ctx = { callId, agent: req.agent, correlationId: req.correlationId, signal: req.signal ?? new AbortController().signal } as ToolContext;
    return { status: "done", callId, result: await tool.execute(parsed.output, ctx) };
  }

  decide(approvalId: string, ok: boolean): void {
    this.held.get(approvalId)?.(ok);
  }
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error("waitFor: condition not met");
    await Bun.sleep(2);
  }
}

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);

let dir: string;
let caps: Capabilities;
let caller: MiniCaller;
let root: ActorRef<SupervisorMsg>;
let agents: AgentRuntime;
const actors = () => sys;
let sys = createActorSystem();

/** A ninth agent with a bug, to crash on purpose. */
const buggy = defineAgent({
  name: "buggy",
  description: "crashes on request",
  capabilities: ["fs.stat"],
  handlers: {
    crash: () => {
      throw new TypeError("cannot read properties of undefined");
    },
  },
});

beforeEach(async () => {
  process.on("unhandledRejection", onUnhandled);
  unhandled.length = 0;
  logs.length = 0;
  dir = mkdtempSync(join(tmpdir(), "aios-agents-"));
  writeFileSync(join(dir, "f.txt"), "hello");
  sys = createActorSystem();
  caps = new Capabilities();
  caller = new MiniCaller(TOOLS, caps);
  root = await sys.start(supervisor({ intensity: 10, period: 10_000 }), { id: "root" });
  agents = await startAgents({ agents: [...AGENTS, buggy], caller, capabilities: caps, actors: sys, parent: root });
});

afterEach(async () => {
  await root.stop();
  rmSync(dir, { recursive: true, force: true });
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

describe("startAgents", () => {
  test("the eight agents run under root/agents with their declared capabilities", () => {
    const list = agents.list();
    expect(list.map((a) => a.name)).toEqual(["system", "network", "security", "monitor", "package", "storage", "task", "dev", "buggy"]);
    for (const a of list) {
      expect(a.status).toBe("running");
      expect(a.restarts).toBe(0);
      expect(a.mailboxDepth).toBe(0);
      expect(a.description.length).toBeGreaterThan(10);
    }
    expect(agents.get("system")!.capabilities).toEqual(["fs", "hw", "log", "monitor.disk", "monitor.memory", "monitor.pressure", "process", "service", "sys.hostname", "sys.power", "sys.time", "sys.timezone", "sys.undo", "sys.uptime", "sys.version", "user"]);
    expect(agents.get("security")!.capabilities).toEqual(["fs.list", "fs.read", "fs.stat", "net.listening", "sec", "user.list", "user.sessions"]);
    expect(agents.supervisorId).toBe("root/agents");
    expect(actors().get("root/agents/monitor")).toBe(agents.ref("monitor")!);
  });

  test("route picks the first agent whose capabilities in force cover the tool", () => {
    expect(agents.route("fs.write")).toBe("system");
    expect(agents.route("net.ping")).toBe("network");
    expect(agents.route("sec.audit_verify")).toBe("security");
    expect(agents.route("monitor.disk")).toBe("system");
    expect(agents.route("monitor.cpu")).toBe("monitor");
    expect(agents.route("pkg.install")).toBe("package");
    expect(agents.route("nope.never")).toBeUndefined();
    caps.revoke("system", "fs");
    expect(agents.route("fs.write")).toBe("storage");
  });
});

describe("call", () => {
  test("a call message runs the tool in the agent's name and replies with the outcome", async () => {
    const path = join(dir, "f.txt");
    const out = await agents.ask<CallOutcome>("storage", { type: "call", tool: "fs.stat", args: { path }, correlationId: "goal-1" });
    expect(out).toEqual({ status: "done", callId: "call-1", result: { size: 5, mode: statSync(path).mode & 0o7777 } });
    expect(caller.requests[0]).toMatchObject({ tool: "fs.stat", agent: "storage", correlationId: "goal-1" });
    expect(caller.requests[0]!.signal).toBeInstanceOf(AbortSignal);
    // agents.call routes when no agent is named
    expect((await agents.call({ tool: "fs.stat", args: { path } })).status).toBe("done");
    expect(caller.requests[1]!.agent).toBe("system");
    expect(await agents.call({ tool: "nope.never" }).catch((e) => e)).toBeInstanceOf(NoAgentForToolError);
  });

  test("refusals are replies, not crashes: missing capability, bad input, unknown tool", async () => {
    const path = join(dir, "f.txt");
    const forbidden = await agents.ask<any>("network", { type: "call", tool: "fs.stat", args: { path } }).catch((e) => e);
    expect(forbidden).toBeInstanceOf(ToolForbiddenError);
    expect(forbidden.message).toBe("agent network lacks capability fs.stat");
    const bad = await agents.ask<any>("storage", { type: "call", tool: "fs.stat", args: { path: 42 } }).catch((e) => e);
    expect(bad).toBeInstanceOf(ToolInputError);
    expect(bad.field).toBe("path");
    expect(await agents.ask("storage", { type: "call", tool: "fs.nope", args: {} }).catch((e) => e)).toBeInstanceOf(ToolNotFoundError);
    expect(await agents.ask("storage", { type: "call", args: {} }).catch((e) => e)).toBeInstanceOf(BadMessageError);
    expect(await agents.ask("storage", { type: "dance" }).catch((e) => e)).toBeInstanceOf(UnknownMessageError);
    expect(await agents.ask("nobody", { type: "call", tool: "fs.stat" }).catch((e) => e)).toBeInstanceOf(UnknownAgentError);
    expect(agents.list().every((a) => a.restarts === 0 && a.status === "running")).toBe(true);
  });

  test("a capability granted at run time takes effect at once and shows in list", async () => {
    const path = join(dir, "f.txt");
    caps.grant("network", "fs.stat");
    expect((await agents.ask<CallOutcome>("network", { type: "call", tool: "fs.stat", args: { path } })).status).toBe("done");
    expect(agents.get("network")!.capabilities).toEqual(["firewall", "fs.stat", "net"]);
  });

  test("a queued call is returned as such; a handler needing its result gets CallQueuedError; a later denial leaks nothing", async () => {
    caller.hold.add("monitor.disk");
    const out = await agents.ask<CallOutcome>("storage", { type: "call", tool: "monitor.disk", args: {} });
    expect(out.status).toBe("queued");
    const err = await agents.ask<any>("storage", { type: "usage" }).catch((e) => e);
    expect(err).toBeInstanceOf(CallQueuedError);
    expect(err.message).toBe("agent storage: monitor.disk: waiting for approval appr-2");
    caller.decide("appr-1", false);
    caller.decide("appr-2", false);
    await Bun.sleep(5); // an unhandled rejection would be reported by now (checked in afterEach)
  });
});

describe("own handlers", () => {
  test("system health runs hw.info, monitor.memory and monitor.disk for real and sums them up", async () => {
    const h = await agents.ask<{ ok: boolean; summary: string; problems: string[] }>("system", { type: "health" });
    expect(h.summary).toContain(`${cpus().length} cpu`);
    // The fullest filesystems come first, so another mount may come before / (a loop mount on a build host did).
    expect(h.summary).toMatch(/GiB of [\d.]+ GiB memory available; \/\S* [\d.]+% used(, \/\S* [\d.]+% used)*( \(\+\d+ more\))?$/);
    expect(caller.requests.map((r) => `${r.agent} ${r.tool}`).sort()).toEqual(["system hw.info", "system monitor.disk", "system monitor.memory"]);
    expect(h.ok).toBe(h.problems.length === 0);
    expect(h.problems.every((p) => / \d+(\.\d)?% (used|full)$/.test(p))).toBe(true); // only threshold findings, no tool failures
  });

  test("a tool failure inside health becomes a problem in the report", async () => {
    caps.revoke("system", "hw");
    const h = await agents.ask<{ ok: boolean; problems: string[] }>("system", { type: "health" });
    expect(h.ok).toBe(false);
    expect(h.problems).toContain("hw.info: agent system lacks capability hw.info");
  });
});

describe("supervision", () => {
  test("a handler bug crashes only that agent; it is restarted and answers again; PID 1 goes on", async () => {
    const err = await agents.ask<any>("buggy", { type: "crash" }).catch((e) => e);
    expect(err).toBeInstanceOf(ActorCrashedError);
    expect(err.message).toBe("actor root/agents/buggy: crashed: cannot read properties of undefined");
    await waitFor(() => agents.get("buggy")!.status === "running" && agents.get("buggy")!.restarts === 1);
    const path = join(dir, "f.txt");
    expect((await agents.ask<CallOutcome>("buggy", { type: "call", tool: "fs.stat", args: { path } })).status).toBe("done");
    expect(agents.list().filter((a) => a.restarts > 0).map((a) => a.name)).toEqual(["buggy"]);
    expect(logs.some((l) => l.includes("supervisor root/agents: buggy crashed"))).toBe(true);
  });

  test("list shows the mailbox depth of a busy agent", async () => {
    const pending = [1, 2, 3, 4].map(() => agents.ask("task", { type: "call", tool: "process.wait", args: { ms: 150 } }));
    await Bun.sleep(5);
    expect(agents.get("task")!.mailboxDepth).toBe(3);
    await Promise.all(pending);
    expect(agents.get("task")!.mailboxDepth).toBe(0);
  });

  test("stop aborts the call in hand, stops every agent, and the root does not bring them back", async () => {
    const inHand = agents.ask("task", { type: "call", tool: "process.wait", args: { ms: 2000 } }).catch((e) => e);
    await Bun.sleep(5);
    const refs = agents.names().map((n) => agents.ref(n)!);
    await agents.stop();
    expect(refs.every((r) => r.status === "stopped")).toBe(true);
    expect(agents.list().every((a) => a.status === "stopped")).toBe(true);
    expect(await inHand).toBeInstanceOf(Error);
    expect(await root.ask<unknown[]>({ type: "which_children" })).toEqual([]);
    expect(root.status).toBe("running");
  });
});
