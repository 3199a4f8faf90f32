/**
 * The service tools over the shared ServiceManager (ctx.host.services).
 * service.start can define a service too, so it runs whatever argv it is
 * given: high risk, like process.spawn. Undo of a start stops what that call
 * started and forgets a definition it added; undo of a stop starts again what
 * that call stopped. Both put the enabled flag back.
 */
import * as v from "valibot";
import { indented, listOf, plural } from "../summary";
import { formatClock } from "../units";
import { defineTool, type ToolContext } from "../define";
import { sandboxFor } from "../process/sandbox";
import { SERVICE_STATES, type ServiceDefinition, ServiceDefinitionSchema, serviceName } from "./definition";
import { ServiceError } from "./errors";
import type { ServiceManager } from "./manager";

declare module "../define" {
  interface ToolHost {
    /** Supervised long-running processes (src/tools/service/manager.ts). */
    services: ServiceManager;
  }
}

function manager(ctx: ToolContext, tool: string): ServiceManager {
  const m = ctx.host.services;
  if (!m) throw new ServiceError("unavailable", tool, "no service manager on this host");
  return m;
}

const statusOutput = v.object({
  name: v.string(),
  state: v.picklist(SERVICE_STATES),
  enabled: v.boolean(),
  pid: v.nullable(v.number()),
  since: v.nullable(v.string()),
  restarts: v.number(),
  lastExit: v.nullable(v.object({ code: v.nullable(v.number()), signal: v.nullable(v.string()), at: v.string() })),
  reason: v.nullable(v.string()),
  after: v.array(v.string()),
  log: v.string(),
});

/** "nginx is running (pid 412 since 2025-01-31 12:00 UTC, enabled, 0 restarts)". */
export function describeService(s: v.InferOutput<typeof statusOutput>): string {
  const facts = [s.pid !== null && `pid ${s.pid}`, s.since && `since ${formatClock(s.since)}`, s.enabled ? "started at boot" : "not started at boot", s.restarts ? `${plural(s.restarts, "restart")}` : ""].filter(Boolean);
  const exit = s.lastExit && s.state !== "running" ? `; last exit ${s.lastExit.signal ?? `code ${s.lastExit.code}`} at ${formatClock(s.lastExit.at)}` : "";
  return `${s.name} is ${s.state} (${facts.join(", ")})${s.reason ? `: ${s.reason}` : ""}${exit}`;
}

/** A definition in service.start's arguments: everything but the name, which is the call's own. */
const definitionInput = v.omit(ServiceDefinitionSchema, ["name", "definedBy"]);

interface StartUndo {
  name: string;
  /** The definition before this call (null: it added the service). */
  before: ServiceDefinition | null;
  enabledBefore: boolean;
  /** What this call started (or would have), dependencies first. */
  started: string[];
}

export const serviceStart = defineTool({
  name: "service.start",
  description: "Start a supervised service and the services it depends on (after). Give definition (argv, cwd, env, restart, maxRestarts, withinMs, after, ...) to define or redefine it first.",
  input: v.strictObject({ name: serviceName, definition: v.optional(definitionInput) }),
  output: v.object({ started: v.array(v.string()), status: statusOutput }),
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 120_000,
  async execute(args, ctx) {
    const m = manager(ctx, "service.start");
    const before = m.definition(args.name) ?? null;
    if (!before && !args.definition) throw new ServiceError("unknown_service", args.name, "no such service; give a definition to add it");
    const enabledBefore = before ? m.isEnabled(args.name) : false;
    const record = (started: string[]): StartUndo => ({ name: args.name, before, enabledBefore, started });
    if (args.definition) {
      sandboxFor(ctx.env, "service.start", ctx.agent, args.definition.user); // refused now if the agent may not run it as that user
      ctx.saveUndo(record([]));
      m.define({ ...args.definition, name: args.name, definedBy: ctx.agent });
    }
    ctx.saveUndo(record(m.startPlan(args.name)));
    const started = await m.start(args.name);
    ctx.saveUndo(record(started));
    return { started, status: m.status(args.name) };
  },
  async undo(rec: StartUndo, ctx) {
    const m = manager(ctx, "service.start");
    for (const n of [...rec.started].reverse()) if (m.has(n)) await m.stop(n, { disable: false });
    if (!rec.before) {
      if (m.has(rec.name)) m.forget(rec.name);
      return;
    }
    m.define(rec.before);
    m.setEnabled(rec.name, rec.enabledBefore);
  },
  summarize: (o) => `${o.started.length ? `Started ${listOf(o.started)}` : "Nothing needed starting"}; ${describeService(o.status)}`,
});

interface StopUndo {
  name: string;
  enabledBefore: boolean;
  /** What this call stopped, dependents first. */
  stopped: string[];
}

export const serviceStop = defineTool({
  name: "service.stop",
  description: "Stop a service (stopSignal, then SIGKILL after stopTimeoutMs) after stopping the services that depend on it; it stays defined but is no longer started at boot.",
  input: v.strictObject({ name: serviceName }),
  output: v.object({ stopped: v.array(v.string()), status: statusOutput }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 330_000,
  async execute(args, ctx) {
    const m = manager(ctx, "service.stop");
    const enabledBefore = m.isEnabled(args.name);
    ctx.saveUndo({ name: args.name, enabledBefore, stopped: m.stopPlan(args.name) } satisfies StopUndo);
    const stopped = await m.stop(args.name);
    ctx.saveUndo({ name: args.name, enabledBefore, stopped } satisfies StopUndo);
    return { stopped, status: m.status(args.name) };
  },
  async undo(rec: StopUndo, ctx) {
    const m = manager(ctx, "service.stop");
    for (const n of [...rec.stopped].reverse()) if (m.has(n)) await m.start(n, { enable: false });
    if (m.has(rec.name)) m.setEnabled(rec.name, rec.enabledBefore);
  },
  summarize: (o) => `${o.stopped.length ? `Stopped ${listOf(o.stopped)}` : "Nothing needed stopping"}; ${describeService(o.status)}`,
});

export const serviceRestart = defineTool({
  name: "service.restart",
  description: "Stop and start a service again (its dependencies are started if needed; dependents keep running); resets its restart count.",
  input: v.strictObject({ name: serviceName }),
  output: statusOutput,
  risk: "medium",
  readOnly: false,
  idempotent: false,
  reversible: false,
  timeoutMs: 330_000,
  execute(args, ctx) {
    return manager(ctx, "service.restart").restart(args.name);
  },
  summarize: (o) => `Restarted ${o.name}; ${describeService(o)}`,
});

export const serviceStatus = defineTool({
  name: "service.status",
  description: "One service: state, pid, enabled, restarts, last exit, why it failed, its log file and the last lines of its output.",
  input: v.strictObject({ name: serviceName, lines: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(1000, "must be at most 1000")), 20) }),
  output: v.object({ ...statusOutput.entries, definition: v.record(v.string(), v.unknown()), tail: v.array(v.string()) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const m = manager(ctx, "service.status");
    const status = m.status(args.name);
    return { ...status, definition: { ...m.definition(args.name) }, tail: args.lines === 0 ? [] : m.tail(args.name, args.lines) };
  },
  summarize: (o) => [describeService(o), ...(o.tail.length ? [`Last ${plural(o.tail.length, "line")} of ${o.log}:`, ...indented(o.tail, 20)] : [])].join("\n"),
});

export const serviceList = defineTool({
  name: "service.list",
  description: "Every defined service with its state, pid, enabled flag, restarts and dependencies.",
  input: v.strictObject({}),
  output: v.object({ services: v.array(statusOutput) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(_args, ctx) {
    return { services: manager(ctx, "service.list").list() };
  },
  summarize: (o) => (o.services.length ? [`${plural(o.services.length, "service")}:`, ...o.services.map((s) => `  ${describeService(s)}`)].join("\n") : "No service is defined"),
});
