/**
 * Test support: the tools of issue 10 whose names and inputs are fixed in
 * SPEC-goals.md (lists A, B, C and memory.search) but which other branches
 * are building, as tool definitions with those inputs and no execution. The
 * planner's tests and the goal corpus plan against the real catalogue plus
 * these; once a real tool is in CATALOG with every input field named here,
 * the real one is used and its entry here is dead (remove it then). Never
 * imported by production code.
 */
import * as v from "valibot";
import { CATALOG } from "../../../tools/catalog";
import { defineTool, type Risk, type Tool } from "../../../tools/define";
import { jsonSchemaOf } from "../../../tools/schema";

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const name = v.pipe(v.string(), v.regex(/^[a-z_][a-z0-9_-]{0,31}$/));
const service = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_.@-]{0,63}$/));
const guestPath = v.pipe(v.string(), v.regex(/^\//));

function pending(tool: string, input: v.GenericSchema, o: { risk?: Risk; readOnly?: boolean; reversible?: boolean } = {}): Tool {
  const readOnly = o.readOnly ?? true;
  const reversible = o.reversible ?? false;
  return defineTool({
    name: tool,
    description: `${tool} (SPEC-goals.md; being built on another branch)`,
    input,
    output: v.unknown(),
    risk: o.risk ?? (readOnly ? "low" : "medium"),
    readOnly,
    idempotent: readOnly,
    reversible,
    timeoutMs: 30_000,
    execute() {
      throw new Error(`${tool} is not on this branch yet`);
    },
    ...(reversible ? { undo() {} } : {}),
  } as Tool);
}

const port = { port: int(1, 65_535), protocol: v.optional(v.picklist(["tcp", "udp"])), from: v.optional(v.string()) };
const change = { readOnly: false, reversible: true };

export const SPEC_TOOLS: readonly Tool[] = [
  // A: tools-read
  pending("process.top", v.strictObject({ by: v.optional(v.picklist(["memory", "cpu"])), limit: v.optional(int(1, 100)), sampleMs: v.optional(int(50, 5000)) })),
  pending("fs.du", v.strictObject({ path: v.optional(guestPath), depth: v.optional(int(1, 4)), limit: v.optional(int(1, 100)), oneFilesystem: v.optional(v.boolean()) })),
  pending("net.listening", v.strictObject({ protocol: v.optional(v.picklist(["tcp", "udp", "all"])) })),
  pending("user.sessions", v.strictObject({})),
  pending("user.list", v.strictObject({ system: v.optional(v.boolean()) })),
  pending("sys.uptime", v.strictObject({})),
  pending("sys.version", v.strictObject({})),
  pending("monitor.pressure", v.strictObject({})),
  // B: tools-sys
  pending("firewall.open", v.strictObject(port), { ...change, risk: "medium" }),
  pending("firewall.close", v.strictObject({ ...port, force: v.optional(v.boolean()) }), { ...change, risk: "medium" }),
  pending("firewall.list", v.strictObject({})),
  pending("sys.hostname", v.strictObject({ name: v.pipe(v.string(), v.maxLength(64)) }), change),
  pending("sys.timezone", v.strictObject({ zone: v.string() }), change),
  pending("sys.power", v.strictObject({ action: v.picklist(["reboot", "poweroff"]), delaySeconds: v.optional(int(0, 3600)) }), { readOnly: false, risk: "high" }),
  // C: tools-admin
  pending("log.rotate", v.strictObject({ path: v.optional(guestPath) }), { readOnly: false }),
  pending("log.set_policy", v.strictObject({ pattern: guestPath, maxBytes: v.optional(v.number()), maxAgeDays: v.optional(v.number()), keep: int(1, 100) }), change),
  pending("log.policies", v.strictObject({})),
  pending("user.add_to_group", v.strictObject({ user: name, group: name }), change),
  pending("user.remove_from_group", v.strictObject({ user: name, group: name }), change),
  pending("user.lock", v.strictObject({ name }), change),
  pending("user.unlock", v.strictObject({ name }), change),
  pending("service.set_restart", v.strictObject({ name: service, restart: v.picklist(["always", "on-failure", "never"]), maxRestarts: v.optional(int(0, 1000)), withinMs: v.optional(int(0, 86_400_000)) }), change),
  pending("sys.cleanup", v.strictObject({ scopes: v.pipe(v.array(v.strictObject({ kind: v.picklist(["logs", "package-cache", "tmp"]), olderThanDays: int(0, 3650) })), v.minLength(1)), dryRun: v.optional(v.boolean()) }), { readOnly: false, risk: "high" }),
  pending("sys.undo", v.strictObject({ call: v.optional(v.pipe(v.string(), v.regex(/^c\d+$/))), goal: v.optional(int(1, Number.MAX_SAFE_INTEGER)) }), { readOnly: false }),
  // answers
  pending("memory.search", v.strictObject({ query: v.pipe(v.string(), v.minLength(1)), limit: v.optional(int(1, 50)) })),
];

function fields(t: Tool): Set<string> {
  return new Set(Object.keys((jsonSchemaOf(t.input).properties ?? {}) as Record<string, unknown>));
}

/** Whether the real tool of that name takes every field SPEC gives it (then it is the one to plan against). */
function landed(spec: Tool, real: Tool | undefined): boolean {
  if (!real) return false;
  const have = fields(real);
  return [...fields(spec)].every((f) => have.has(f));
}

/** The real catalogue, with SPEC's definition for each tool not (or not yet in its SPEC form) on this branch. */
export function catalogWithSpec(): { tools: Tool[]; pending: string[] } {
  const byName = new Map(CATALOG.map((t) => [t.name, t]));
  const pendingNames: string[] = [];
  for (const s of SPEC_TOOLS) {
    if (landed(s, byName.get(s.name))) continue;
    byName.set(s.name, s);
    pendingNames.push(s.name);
  }
  return { tools: [...byName.values()], pending: pendingNames };
}
