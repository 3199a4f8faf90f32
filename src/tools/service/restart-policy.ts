/**
 * service.set_restart: how the supervisor treats a defined service's exits
 * (always, on-failure, never; at most maxRestarts restarts within withinMs).
 * Kept with the definition in the service store, so it holds after a
 * reboot; a running service's next exit already follows it. Undo puts the
 * three settings back as they were, leaving the rest of the definition alone.
 */
import * as v from "valibot";
import { defineTool } from "../define";
import { RESTART_POLICIES, type RestartSettings, ServiceDefinitionSchema, serviceName } from "./definition";
import { ServiceError } from "./errors";

interface SetRestartUndo {
  name: string;
  before: RestartSettings;
}

const settings = v.object({ restart: v.picklist(RESTART_POLICIES), maxRestarts: v.number(), withinMs: v.number() });
const { maxRestarts, withinMs } = ServiceDefinitionSchema.entries;

function describe(s: RestartSettings): string {
  if (s.restart === "never") return "is never restarted";
  const when = s.restart === "always" ? "restarts whenever it exits" : "restarts when it fails";
  return `${when} (at most ${s.maxRestarts} restarts within ${s.withinMs >= 1000 ? `${+(s.withinMs / 1000).toFixed(1)} s` : `${s.withinMs} ms`})`;
}

export const serviceSetRestart = defineTool({
  name: "service.set_restart",
  description:
    "Change a defined service's restart policy: restart always, on-failure or never, and (optionally) at most maxRestarts restarts within withinMs before it is marked failed. " +
    "Persisted with the service; a running service's next exit follows it. Undo restores the previous policy.",
  input: v.strictObject({
    name: serviceName,
    restart: v.picklist(RESTART_POLICIES, "must be always, on-failure or never"),
    maxRestarts: v.optional(maxRestarts.wrapped),
    withinMs: v.optional(withinMs.wrapped),
  }),
  output: v.object({ name: v.string(), before: settings, after: settings, changed: v.boolean() }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 10_000,
  execute(args, ctx) {
    const m = ctx.host.services;
    if (!m) throw new ServiceError("unavailable", args.name, "no service manager on this host");
    const def = m.definition(args.name);
    if (!def) throw new ServiceError("unknown_service", args.name, "no such service");
    const want: RestartSettings = { restart: args.restart, maxRestarts: args.maxRestarts ?? def.maxRestarts, withinMs: args.withinMs ?? def.withinMs };
    const before: RestartSettings = { restart: def.restart, maxRestarts: def.maxRestarts, withinMs: def.withinMs };
    if (Bun.deepEquals(want, before)) return { name: args.name, before, after: before, changed: false };
    ctx.saveUndo({ name: args.name, before } satisfies SetRestartUndo);
    const r = m.setRestart(args.name, want);
    return { name: args.name, before: r.before, after: r.after, changed: true };
  },
  undo(rec: SetRestartUndo, ctx) {
    const m = ctx.host.services;
    if (!m?.has(rec.name)) throw new ServiceError("unknown_service", rec.name, "no longer defined; its old restart policy cannot be put back");
    m.setRestart(rec.name, rec.before);
  },
  summarize: (o) => (o.changed ? `Service ${o.name} now ${describe(o.after)}; before it ${describe(o.before)}` : `Service ${o.name} already ${describe(o.after)}; nothing changed`),
});
