/**
 * service.remove: stop a service and forget its definition, so nothing
 * starts it again (at boot or by self-healing). Refused while another
 * service starts after it: forgetting it would leave them unstartable. Undo
 * defines it again and puts back its enabled flag and, if it was running,
 * starts it again.
 */
import * as v from "valibot";
import { defineTool, type ToolContext } from "../define";
import { type ServiceDefinition, serviceName } from "./definition";
import { ServiceError } from "./errors";
import type { ServiceManager } from "./manager";

interface RemoveUndo {
  definition: ServiceDefinition;
  enabled: boolean;
  /** It was starting, running or restarting: undo starts it again. */
  active: boolean;
}

function manager(ctx: ToolContext): ServiceManager {
  const m = ctx.host.services;
  if (!m) throw new ServiceError("unavailable", "service.remove", "no service manager on this host");
  return m;
}

export const serviceRemove = defineTool({
  name: "service.remove",
  description:
    "Stop a service and forget its definition (it is no longer started at boot or restarted). Refused while other services start after it. Undo defines it again, restores its enabled flag and starts it if it was running.",
  input: v.strictObject({ name: serviceName }),
  output: v.object({ name: v.string(), wasActive: v.boolean(), wasEnabled: v.boolean(), definition: v.record(v.string(), v.unknown()) }),
  risk: "medium",
  readOnly: false,
  idempotent: false,
  reversible: true,
  timeoutMs: 330_000,
  async execute(args, ctx) {
    const m = manager(ctx);
    const definition = m.definition(args.name);
    if (!definition) throw new ServiceError("unknown_service", args.name, "no such service");
    const dependents = m.list().filter((s) => s.after.includes(args.name)).map((s) => s.name);
    if (dependents.length) throw new ServiceError("needed", args.name, `${dependents.join(", ")} start${dependents.length === 1 ? "s" : ""} after it; remove ${dependents.length === 1 ? "it" : "them"} first`);
    const rec: RemoveUndo = { definition, enabled: m.isEnabled(args.name), active: m.isActive(args.name) };
    ctx.saveUndo(rec);
    await m.stop(args.name);
    m.forget(args.name);
    return { name: args.name, wasActive: rec.active, wasEnabled: rec.enabled, definition: { ...definition } };
  },
  async undo(rec: RemoveUndo, ctx) {
    const m = manager(ctx);
    m.define(rec.definition);
    if (rec.active) await m.start(rec.definition.name, { enable: false });
    m.setEnabled(rec.definition.name, rec.enabled);
  },
  summarize: (o) => `Removed service ${o.name}${o.wasActive ? " (it was running and is stopped now)" : ""}; it is no longer started at boot or restarted`,
});
