/**
 * sys.hostname: the machine's name now (sethostname) and at every boot (the
 * data disk; boot applies it after mounting it, over config.toml, while the
 * kernel command line's aios.hostname= still wins). Dev mode keeps it in the
 * state directory and leaves the host's name alone.
 */
import * as v from "valibot";
import { parseCmdline } from "../../config";
import { kernelCmdline, libc } from "../../sys";
import { defineTool, type ToolContext } from "../define";
import { currentHostname, HOSTNAME, readSetting, writeSetting } from "./settings";

interface HostnameUndo {
  /** What the data disk held (null: nothing, config.toml's name applied). */
  stored: string | null;
  /** The running kernel's name (null in dev mode: not touched). */
  live: string | null;
}

/** The hostname the kernel command line imposes at boot, if any (it wins over the stored one). */
export function cmdlineHostname(mode: "pid1" | "dev"): string | null {
  if (mode !== "pid1") return null;
  return parseCmdline(kernelCmdline()).config.findLast(([k]) => k === "system.hostname")?.[1] ?? null;
}

function apply(ctx: ToolContext, stored: string | null, live: string | null): void {
  if (live !== null && ctx.env.mode === "pid1") libc.sethostname(live);
  writeSetting(ctx.env.paths.data, "hostname", stored);
}

export const sysHostname = defineTool({
  name: "sys.hostname",
  description:
    "Sets the machine's hostname now and for every boot (kept on the data disk; it overrides config.toml, and a kernel command line aios.hostname= still wins at boot). " +
    "RFC 1123: letters, digits and inner hyphens, dot-separated labels, at most 64 characters. Undo puts the previous name back. Dev mode stores it without renaming the host.",
  input: v.strictObject({
    name: v.pipe(
      v.string("must be a string"),
      v.maxLength(64, "must be at most 64 characters"),
      v.regex(HOSTNAME, "must be RFC 1123 host labels: letters, digits and inner hyphens, dot-separated, at most 64 characters"),
    ),
  }),
  output: v.object({
    hostname: v.string(),
    /** The name before the call: the kernel's in the VM, the stored one in dev mode (null: none stored). */
    previous: v.nullable(v.string()),
    /** Whether the running system now has the name (false in dev mode). */
    live: v.boolean(),
    /** Kept on the data disk for every boot. */
    persisted: v.boolean(),
    /** aios.hostname= on the kernel command line: wins over the stored name at boot. */
    bootOverride: v.nullable(v.string()),
  }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const stored = readSetting(ctx.env.paths.data, "hostname");
    const pid1 = ctx.env.mode === "pid1";
    const previous = pid1 ? currentHostname() : stored;
    ctx.saveUndo({ stored, live: pid1 ? previous : null } satisfies HostnameUndo);
    apply(ctx, args.name, pid1 ? args.name : null);
    return { hostname: args.name, previous, live: pid1, persisted: true, bootOverride: cmdlineHostname(ctx.env.mode) };
  },
  undo(rec: HostnameUndo, ctx) {
    apply(ctx, rec.stored, rec.live);
  },
  summarize: (o) =>
    [
      o.live ? `Hostname is now ${o.hostname}${o.previous && o.previous !== o.hostname ? ` (was ${o.previous})` : ""}, and stays so at every boot.` : `Hostname ${o.hostname} is stored for every boot (dev mode: this host's name is unchanged).`,
      o.bootOverride && o.bootOverride !== o.hostname ? `The kernel command line sets aios.hostname=${o.bootOverride}, which wins at boot.` : "",
    ]
      .filter(Boolean)
      .join(" "),
});
