/**
 * sys.power: reboot or power off through PID 1's orderly shutdown (the same
 * event channel as the REPL's `reboot` and POST /power: services stopped,
 * processes ended, data disk synced and unmounted). It only schedules: the
 * call answers at once and the shutdown starts after delaySeconds, so the
 * call's result and the goal's answer are recorded before anything stops.
 * Dev mode refuses: aiOS never powers off or reboots the host it runs on.
 */
import * as v from "valibot";
import { log } from "../../sys";
import { intArg } from "../args";
import { defineTool } from "../define";
import { ToolError } from "../errors";

export type PowerRequest = "poweroff" | "reboot";

declare module "../define" {
  interface ToolHost {
    /** Asks PID 1 for an orderly poweroff or reboot (boot's ctx.power); absent where no PID 1 lends it. */
    power: (action: PowerRequest, origin: string) => void;
  }
}

/** Even with delaySeconds 0 the shutdown waits this long, for the executor to record the result first. */
export const MIN_DELAY_MS = 500;

let scheduled: { action: PowerRequest; at: number; callId: string } | null = null;

export class PowerError extends ToolError {
  constructor(code: "unavailable" | "already_scheduled", message: string) {
    super(code, `sys.power: ${message}`);
  }
}

export const sysPower = defineTool({
  name: "sys.power",
  description:
    "Reboots or powers off the machine through the orderly shutdown (services stopped, data disk synced and unmounted), after delaySeconds (default 2) so this call's result and the goal's answer are recorded first. " +
    "High risk and not reversible: every client is cut off until the machine is back. Refused in dev mode.",
  input: v.strictObject({
    action: v.picklist(["reboot", "poweroff"], 'must be "reboot" or "poweroff"'),
    delaySeconds: v.optional(intArg(0, 3600, "seconds"), 2),
  }),
  output: v.object({
    action: v.picklist(["reboot", "poweroff"]),
    delaySeconds: v.number(),
    /** When the shutdown starts (ISO 8601). */
    at: v.string(),
  }),
  risk: "high",
  readOnly: false,
  idempotent: false,
  reversible: false,
  timeoutMs: 5_000,
  execute(args, ctx) {
    if (ctx.env.mode !== "pid1") throw new PowerError("unavailable", `refused in dev mode: aiOS never ${args.action === "reboot" ? "reboots" : "powers off"} the host it runs on`);
    const power = ctx.host.power;
    if (!power) throw new PowerError("unavailable", "no PID 1 to ask on this host");
    if (scheduled) throw new PowerError("already_scheduled", `${scheduled.action} already scheduled by ${scheduled.callId} for ${new Date(scheduled.at).toISOString()}`);
    const delayMs = Math.max(args.delaySeconds * 1000, MIN_DELAY_MS);
    const at = Date.now() + delayMs;
    scheduled = { action: args.action, at, callId: ctx.callId };
    log.always(`sys.power: ${args.action} in ${args.delaySeconds} s (${ctx.callId} by ${ctx.agent})`);
    setTimeout(() => {
      scheduled = null; // a shutdown that fails leaves PID 1 up, and the next call may try again
      power(args.action, `sys.power (${ctx.callId} by ${ctx.agent})`);
    }, delayMs);
    return { action: args.action, delaySeconds: args.delaySeconds, at: new Date(at).toISOString() };
  },
  summarize: (o) => `${o.action === "reboot" ? "Rebooting" : "Powering off"} in ${o.delaySeconds} s (at ${o.at.slice(11, 19)} UTC); the API is unreachable until ${o.action === "reboot" ? "it is back" : "the machine is started again"}.`,
});
