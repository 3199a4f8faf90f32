/**
 * sec.check_perms, sec.grant, sec.revoke: what an agent may call, and
 * changing it at run time. A change is applied to the live Capabilities,
 * appended to the change log that boot replays, and undone exactly (back to
 * granted, revoked, or as declared).
 */
import { lstatSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import * as v from "valibot";
import { Capabilities, type CapabilityEntry } from "../capabilities";
import { listOf, plural } from "../summary";
import { defineTool, type ToolContext } from "../define";
import { ToolInputError } from "../errors";
import "./host";

const agentName = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be an agent name (lower case letters, digits, - and _)"));
const capability = v.pipe(
  v.string(),
  v.regex(/^(\*|[a-z][a-z0-9_]*(\.\*|\.[a-z][a-z0-9_]*)?)$/, 'must be a tool name (fs.read), a namespace (fs or fs.*), or "*"'),
);
const guestPath = v.pipe(v.string(), v.startsWith("/", "must be an absolute path"), v.maxLength(4096, "must be at most 4096 characters"));

const PathReport = v.object({
  path: v.string(),
  exists: v.boolean(),
  type: v.optional(v.picklist(["file", "directory", "symlink", "other"])),
  mode: v.optional(v.string()),
  uid: v.optional(v.number()),
  gid: v.optional(v.number()),
  owner: v.optional(v.string()),
  group: v.optional(v.string()),
  issues: v.array(v.string()),
});

/** Names from the guest's /etc/passwd or /etc/group, by id. */
function idNames(root: string, file: "passwd" | "group"): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(join(root, "etc", file), "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length >= 3 && f[0] && /^\d+$/.test(f[2]!)) names.set(Number(f[2]), f[0]);
    }
  } catch {
    // no passwd in this root: ids only
  }
  return names;
}

function inspectPath(path: string, ctx: ToolContext): v.InferOutput<typeof PathReport> {
  const guest = posix.normalize(path);
  let st;
  try {
    st = lstatSync(join(ctx.env.root, guest));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { path: guest, exists: false, issues: [] };
    throw err;
  }
  const mode = st.mode & 0o7777;
  const type = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "directory" : st.isFile() ? "file" : "other";
  const issues: string[] = [];
  if (type !== "symlink" && mode & 0o002) issues.push(type === "directory" && !(mode & 0o1000) ? "world-writable without sticky bit" : "world-writable");
  if (mode & 0o4000) issues.push("setuid");
  if (mode & 0o2000 && type === "file") issues.push("setgid");
  const report: v.InferOutput<typeof PathReport> = { path: guest, exists: true, type, mode: `0${mode.toString(8).padStart(3, "0")}`, uid: st.uid, gid: st.gid, issues };
  const owner = idNames(ctx.env.root, "passwd").get(st.uid);
  const group = idNames(ctx.env.root, "group").get(st.gid);
  if (owner) report.owner = owner;
  if (group) report.group = group;
  return report;
}

export const checkPerms = defineTool({
  name: "sec.check_perms",
  description: "What an agent may call (its capabilities and the tools they cover), whether it may call one tool, and the mode and owner of a path",
  input: v.strictObject({ agent: agentName, tool: v.optional(v.string()), path: v.optional(guestPath) }),
  output: v.object({
    agent: v.string(),
    known: v.boolean(),
    capabilities: v.array(v.string()),
    tools: v.array(v.string()),
    allowed: v.optional(v.boolean()),
    path: v.optional(PathReport),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute: ({ agent, tool, path }, ctx) => {
    const caps = ctx.host.capabilities;
    const out: { agent: string; known: boolean; capabilities: string[]; tools: string[]; allowed?: boolean; path?: v.InferOutput<typeof PathReport> } = {
      agent,
      known: caps.knows(agent),
      capabilities: caps.list(agent),
      tools: ctx.host.registry.names().filter((name) => caps.allows(agent, name)),
    };
    if (tool !== undefined) {
      if (!ctx.host.registry.has(tool)) throw new ToolInputError("sec.check_perms", "args.tool", `no such tool (got ${JSON.stringify(tool)})`);
      out.allowed = caps.allows(agent, tool);
    }
    if (path !== undefined) out.path = inspectPath(path, ctx);
    return out;
  },
  summarize: (o, args) => {
    if (!o.known) return `There is no agent ${o.agent}`;
    const lines = [`Agent ${o.agent} holds ${listOf(o.capabilities, 10)}: ${plural(o.tools.length, "tool")}`];
    if (o.allowed !== undefined) lines.push(`It ${o.allowed ? "may" : "may not"} call ${args.tool}`);
    const p = o.path;
    if (p) {
      if (!p.exists) lines.push(`${p.path} does not exist`);
      else lines.push(`${p.path}: ${p.type}, mode ${p.mode}, owner ${p.owner ?? p.uid}:${p.group ?? p.gid}${p.issues.length ? `; issues: ${p.issues.join(", ")}` : "; no permission issue"}`);
    }
    return lines.join("\n");
  },
});

interface ChangeUndo {
  agent: string;
  capability: string;
  before: CapabilityEntry;
}

const ChangeInput = v.strictObject({ agent: agentName, capability });
const ChangeOutput = v.object({ agent: v.string(), capability: v.string(), capabilities: v.array(v.string()) });

function change(kind: "grant" | "revoke") {
  return (args: { agent: string; capability: string }, ctx: ToolContext) => {
    const caps = ctx.host.capabilities;
    if (!caps.knows(args.agent)) throw new ToolInputError(`sec.${kind}`, "args.agent", `no such agent (got ${JSON.stringify(args.agent)})`);
    ctx.saveUndo({ agent: args.agent, capability: args.capability, before: caps.entry(args.agent, args.capability) } satisfies ChangeUndo);
    caps.apply({ agent: args.agent, capability: args.capability, change: kind });
    ctx.host.grants.append({ agent: args.agent, capability: args.capability, change: kind, callId: ctx.callId });
    return { agent: args.agent, capability: args.capability, capabilities: caps.list(args.agent) };
  };
}

function undoChange(record: ChangeUndo, ctx: ToolContext): void {
  const c = Capabilities.changeFor(record.agent, record.capability, record.before);
  ctx.host.capabilities.apply(c);
  ctx.host.grants.append({ ...c, callId: ctx.callId });
}

export const grant = defineTool<v.InferOutput<typeof ChangeInput>, v.InferOutput<typeof ChangeOutput>, ChangeUndo>({
  name: "sec.grant",
  description: "Give an agent a capability (a tool, a namespace, or *) at run time; persisted and replayed at boot",
  input: ChangeInput,
  output: ChangeOutput,
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute: change("grant"),
  undo: undoChange,
  summarize: (o) => `Granted ${o.capability} to agent ${o.agent}; it now holds ${listOf(o.capabilities, 10)}`,
});

export const revoke = defineTool<v.InferOutput<typeof ChangeInput>, v.InferOutput<typeof ChangeOutput>, ChangeUndo>({
  name: "sec.revoke",
  description:
    "Take a capability away from an agent at run time, whether declared or granted (\"*\" takes everything). Persisted and replayed at boot: a revoke holds across reboots until sec.grant gives the capability back or the call is undone. GET /api/v1/agents lists the capabilities in force and the revokes",
  input: ChangeInput,
  output: ChangeOutput,
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute: change("revoke"),
  undo: undoChange,
  summarize: (o) => `Revoked ${o.capability} from agent ${o.agent}; it now holds ${listOf(o.capabilities, 10)}`,
});
