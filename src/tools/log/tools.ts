/**
 * The log.* tools over the shared LogRotation (ctx.host.logs):
 * - log.rotate rotates now, one file or every file a policy covers; what it
 *   compresses and drops cannot be had back, so it has no undo;
 * - log.set_policy adds or replaces the policy for a pattern; undo puts back
 *   the one it replaced (or removes the new one);
 * - log.policies shows the policies in force and the files each covers.
 */
import * as v from "valibot";
import { generations } from "../../sys";
import { defineTool, type ToolContext } from "../define";
import { LogError } from "./errors";
import { formatBytes } from "../units";
import { liveLogs, logPath, logPattern, resolveLogFile } from "./paths";
import { type LogRotation, MAX_PER_PASS, type PolicyInForce, type RotationReport, type Target } from "./rotation";
import type { LogPolicy } from "./store";

declare module "../define" {
  interface ToolHost {
    /** Log policies and rotation (src/tools/log/rotation.ts). */
    logs: LogRotation;
  }
}

function rotation(ctx: ToolContext, tool: string): LogRotation {
  const r = ctx.host.logs;
  if (!r) throw new LogError("unavailable", tool, "logs", "no log rotation on this host");
  return r;
}

const policyOutput = v.object({
  pattern: v.string(),
  maxBytes: v.nullable(v.number()),
  maxAgeDays: v.nullable(v.number()),
  keep: v.number(),
  builtin: v.boolean(),
  createdAt: v.nullable(v.number()),
  updatedAt: v.nullable(v.number()),
});

const generationOutput = v.object({ name: v.string(), bytes: v.number() });

const reportOutput = v.object({
  rotated: v.array(
    v.object({
      path: v.string(),
      reason: v.picklist(["asked", "size", "age"]),
      pattern: v.nullable(v.string()),
      keep: v.number(),
      bytes: v.number(),
      generations: v.array(generationOutput),
      removed: v.array(v.string()),
      compressed: v.nullable(v.string()),
    }),
  ),
  skipped: v.array(v.object({ path: v.string(), reason: v.string() })),
  notes: v.array(v.string()),
});

/** "rotated past 4.0 MiB or after 7 days, 5 generations kept". */
export function describePolicy(p: Pick<PolicyInForce, "maxBytes" | "maxAgeDays" | "keep">): string {
  const when = [p.maxBytes !== null ? `past ${formatBytes(p.maxBytes)}` : null, p.maxAgeDays !== null ? `after ${p.maxAgeDays} ${p.maxAgeDays === 1 ? "day" : "days"}` : null].filter(Boolean);
  return `${when.length ? `rotated ${when.join(" or ")}` : "rotated only when asked"}, ${p.keep} ${p.keep === 1 ? "generation" : "generations"} kept`;
}

function summarizeReport(r: RotationReport): string {
  const lines: string[] = [];
  if (r.rotated.length === 0) lines.push("No log was rotated");
  else {
    const shown = r.rotated.slice(0, 5).map((x) => `${x.path} (${formatBytes(x.bytes)}, keep ${x.keep})`);
    const more = r.rotated.length - shown.length;
    lines.push(`Rotated ${r.rotated.length} ${r.rotated.length === 1 ? "log" : "logs"}: ${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`);
    const removed = r.rotated.reduce((n, x) => n + x.removed.length, 0);
    if (removed) lines.push(`${removed} old ${removed === 1 ? "generation" : "generations"} removed`);
  }
  for (const s of r.skipped.slice(0, 5)) lines.push(`skipped ${s.path}: ${s.reason}`);
  lines.push(...r.notes.slice(0, 3));
  return lines.join("\n");
}

export const logRotate = defineTool({
  name: "log.rotate",
  description:
    "Rotate logs under /var/log now: name → name.1 → name.2.gz … keeping each file's policy's `keep` generations (5 for a file no policy covers). " +
    "With path, that one live log; without, every live log a policy covers (see log.policies). NOT reversible: dropped generations are gone.",
  input: v.strictObject({ path: v.optional(logPath) }),
  output: reportOutput,
  risk: "medium",
  readOnly: false,
  idempotent: false,
  reversible: false,
  timeoutMs: 300_000,
  async execute(args, ctx) {
    const r = rotation(ctx, "log.rotate");
    let targets: Target[];
    if (args.path !== undefined) {
      const f = resolveLogFile(ctx.env, "log.rotate", args.path);
      targets = [{ guest: args.path, host: f.host, policy: r.policyFor(args.path), reason: "asked" }];
    } else {
      const { logs } = r.covered(ctx.signal);
      targets = logs.filter((l) => l.stat.size > 0).map((l) => ({ guest: l.guest, host: l.host, policy: l.policy, reason: "asked" as const }));
    }
    const report = await r.rotate(targets, ctx.signal);
    if (args.path !== undefined && targets[0]!.policy === null) report.notes.push(`no policy covers ${args.path}; kept the default 5 generations`);
    if (args.path === undefined && targets.length === 0) report.notes.push("no non-empty log is covered by a policy");
    return report;
  },
  summarize: (o) => summarizeReport(o),
});

interface SetPolicyUndo {
  pattern: string;
  before: LogPolicy | null;
}

export const logSetPolicy = defineTool({
  name: "log.set_policy",
  description:
    "Set how logs matching a glob under /var/log are rotated (e.g. /var/log/*.log; ** crosses directories): past maxBytes, and/or when older than maxAgeDays, keeping `keep` generations (1-100). " +
    "Kept on the data disk; the autonomy loop applies it. A literal path beats a glob. Undo restores the previous policy.",
  input: v.strictObject({
    pattern: logPattern,
    maxBytes: v.optional(v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(1024, "must be at least 1024"), v.maxValue(2 ** 40, "must be at most 1 TiB"))),
    maxAgeDays: v.optional(v.pipe(v.number("must be a number"), v.minValue(0.01, "must be more than 0"), v.maxValue(3650, "must be at most 3650"))),
    keep: v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(1, "must be at least 1"), v.maxValue(100, "must be at most 100")),
  }),
  output: v.object({ policy: policyOutput, previous: v.nullable(policyOutput), files: v.array(v.string()), fileCount: v.number() }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 10_000,
  execute(args, ctx) {
    const r = rotation(ctx, "log.set_policy");
    const before = r.store.get(args.pattern);
    const previous = before ? { ...before, builtin: false } : (r.policies().find((p) => p.builtin && p.pattern === args.pattern) ?? null);
    ctx.saveUndo({ pattern: args.pattern, before } satisfies SetPolicyUndo);
    const policy = r.store.set({ pattern: args.pattern, maxBytes: args.maxBytes ?? null, maxAgeDays: args.maxAgeDays ?? null, keep: args.keep });
    r.applyOwnCap();
    const glob = new Bun.Glob(args.pattern);
    const files = liveLogs(ctx.env, ctx.signal).logs.map((l) => l.guest).filter((g) => glob.match(g) && r.policyFor(g)?.pattern === args.pattern);
    return { policy: { ...policy, builtin: false }, previous, files: files.slice(0, MAX_PER_PASS), fileCount: files.length };
  },
  undo(rec: SetPolicyUndo, ctx) {
    const r = rotation(ctx, "log.set_policy");
    if (rec.before) r.store.restore(rec.before);
    else r.store.remove(rec.pattern);
    r.applyOwnCap();
  },
  summarize: (o) =>
    `Logs matching ${o.policy.pattern} are now ${describePolicy(o.policy)}; it covers ${o.fileCount} ${o.fileCount === 1 ? "file" : "files"} now${o.previous ? ` (before: ${describePolicy(o.previous)})` : ""}`,
});

/** Files listed per policy at most. */
const LISTED = 50;

export const logPolicies = defineTool({
  name: "log.policies",
  description: "The log rotation policies in force (most specific first, with aiOS's built-in one for its own log) and the live logs each covers now, with their size and rotated generations.",
  input: v.strictObject({}),
  output: v.object({
    policies: v.array(
      v.object({
        ...policyOutput.entries,
        fileCount: v.number(),
        files: v.array(v.object({ path: v.string(), bytes: v.number(), generations: v.array(generationOutput) })),
      }),
    ),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 30_000,
  execute(_args, ctx) {
    const r = rotation(ctx, "log.policies");
    const { logs } = r.covered(ctx.signal);
    return {
      policies: r.policies().map((p) => {
        const mine = logs.filter((l) => l.policy.pattern === p.pattern);
        return {
          ...p,
          fileCount: mine.length,
          files: mine.slice(0, LISTED).map((l) => ({ path: l.guest, bytes: l.stat.size, generations: generations(l.host).map((g) => ({ name: g.name, bytes: g.bytes })) })),
        };
      }),
    };
  },
  summarize: (o) =>
    o.policies
      .map((p) => `${p.pattern}${p.builtin ? " (built in)" : ""}: ${describePolicy(p)}; ${p.fileCount} ${p.fileCount === 1 ? "file" : "files"}${p.files.length ? ` (${p.files.slice(0, 3).map((f) => `${f.path} ${formatBytes(f.bytes)}, ${f.generations.length} rotated`).join("; ")})` : ""}`)
      .join("\n"),
});
