/**
 * `defineTool`: a tool is plain data plus an `execute` function. Its one
 * valibot input schema drives validation, the API's JSON Schema, REPL help,
 * MCP and provider tool definitions; `risk`, `readOnly` and `reversible` drive
 * the autonomy gate and rollback. Tools never check permissions or write the
 * audit ledger themselves: the executor does that, the same way for all.
 */
import type * as v from "valibot";
import type { Db } from "../memory";
import type { Staging } from "../sys";

export const RISKS = ["low", "medium", "high", "critical"] as const;
export type Risk = (typeof RISKS)[number];

/** The egress policy's settings ([network] allow_outbound and egress_allow; see net/egress.ts). */
export interface EgressSettings {
  /** false: only what `allow` names may be reached. */
  allowOutbound: boolean;
  /** Entries: address or CIDR, with an optional port ("127.0.0.1:80", "10.0.0.0/8", "[::1]:8080"). */
  allow: readonly string[];
  /** The management API's port(s) now (dev mode picks one at run time). */
  managementPorts(): number[];
  /**
   * Pids of the services aiOS supervises (service.*): a loopback port one of
   * them listens on may be reached, so a goal can check the nginx it just
   * configured. Absent: no such allowance.
   */
  servicePids?(): number[];
}

/** Where tools act. In the VM `root` is "/"; in dev mode it is the state directory's sandbox. */
export interface ToolEnv {
  mode: "pid1" | "dev";
  /** Host directory that guest paths resolve under ("/" in the VM, `<state>/sandbox` in dev mode). */
  root: string;
  /** Guest directories the fs tools may touch; everything else is refused. */
  fsRoots: readonly string[];
  /** What the net.* tools may reach (net/egress.ts); absent: the default policy, nothing allowed beyond it. */
  egress?: EgressSettings;
  /** [security]: how processes agents start run (process/sandbox.ts); absent: its defaults. */
  sandbox?: import("./process/sandbox").SandboxSettings;
  /** aiOS's own directories, as host paths (state, logs, runtime). */
  paths: { data: string; log: string; run: string; secrets: string; /** /etc/aios: protected from the tools (fs/paths.ts). */ etc?: string };
}

export interface ToolContext {
  callId: string;
  /** The agent the call runs as. */
  agent: string;
  /** The principal the agent acts for (CallRequest.onBehalfOf); what it creates is bounded by both. */
  onBehalfOf?: string;
  /** Groups calls (a goal id) so they can be rolled back together. */
  correlationId?: string;
  /** Aborted on timeout or cancellation: long operations must stop when it fires. */
  signal: AbortSignal;
  env: ToolEnv;
  /**
   * Records what `undo` needs, before the change is made (previous content,
   * mode, existence, started pid...). Last call wins. Only reversible tools use it.
   * Under the executor the record is on disk, with the call's request, when
   * this returns: a power cut after the change leaves a call that boot can
   * find and undo. One exception: when the call has already staged files
   * (`staging`), the record goes to disk with its result, before they are
   * put in place.
   */
  saveUndo(record: unknown): void;
  /**
   * Files the call writes, staged: written now under temporary names and put
   * in place by the executor once the call's result (and undo record) is on
   * disk, so that across a power cut the change is all there or not at all.
   * Absent outside the executor (tests): tools then write durably at once.
   */
  staging?: Staging;
  /** Shared services some tools need (service manager, ledger, capabilities), by name. */
  host: ToolHost;
}

/**
 * Services the executor hands to tools. Each family declares what it adds by
 * interface merging in its own folder (`declare module "../define" { interface ToolHost { ... } }`),
 * so this file never has to know them.
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface ToolHost {}

/** What a change left on disk: all of it, none of it, or some. */
export type Effect = "present" | "absent" | "partial";

export interface Inspection {
  effect: Effect;
  /** What was found, for a person: "/srv/a holds other content (12 bytes)". */
  detail?: string;
}

export interface Tool<I = any, O = any, U = any> {
  /** `namespace.verb`, e.g. `fs.write`. */
  name: string;
  description: string;
  input: v.GenericSchema<unknown, I>;
  output: v.GenericSchema<unknown, O>;
  risk: Risk;
  /**
   * The risk of one call when its arguments raise it above `risk` (firewall.close
   * with force: high). The gate and the approval use the higher of the two.
   */
  riskOf?(args: I, env: ToolEnv): Risk | undefined;
  /** True when the call changes nothing on the system; `manual` autonomy lets only these through. */
  readOnly: boolean;
  /** Running it twice with the same arguments leaves the same state as once. */
  idempotent: boolean;
  /** It saves an undo record and has `undo`. */
  reversible: boolean;
  timeoutMs: number;
  /** Its result must fit `output`: O is inferred from the schema alone (NoInfer), so `summarize` sees the declared shape. */
  execute(args: I, ctx: ToolContext): NoInfer<O> | Promise<NoInfer<O>>;
  undo?(record: U, ctx: ToolContext): void | Promise<void>;
  /**
   * Recovery after a crash or power cut: what a call that was interrupted
   * (request audited, no result) left on disk, judged from its arguments and
   * its undo record (null when it saved none). Reads only. Boot uses it to
   * roll such a call back or leave it (tools/recovery.ts); without it the
   * effect is unknown.
   */
  inspect?(args: I, undo: U | null, ctx: ToolContext): Inspection | Promise<Inspection>;
  /**
   * What the call found or did, as one to a few lines a person reads, with
   * the figures ("nginx 1.22.1-9 is installed", "Top memory: nginx 12.3 MiB
   * (pid 412), ..."). Built from the typed output alone, never guessed keys:
   * goal answers, the REPL and the console show it.
   */
  summarize?(output: O, args: I): string;
}

export function defineTool<I, O, U = never>(tool: Tool<I, O, U>): Tool<I, O, U> {
  if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(tool.name)) throw new Error(`defineTool ${tool.name}: name must be namespace.verb in lower case`);
  if (tool.reversible !== Boolean(tool.undo)) throw new Error(`defineTool ${tool.name}: reversible must be true exactly when undo is given`);
  if (tool.readOnly && tool.reversible) throw new Error(`defineTool ${tool.name}: a read-only tool has nothing to undo`);
  return tool;
}

/**
 * A tool's arguments (as parsed, defaults filled in) and its result, as its
 * schemas type them. Internal callers (agents, the autonomy loop) read
 * results through these, never through casts to guessed keys.
 */
export type ToolArgs<T extends Tool> = T extends Tool<infer I, any, any> ? I : never;
export type ToolResult<T extends Tool> = T extends Tool<any, infer O, any> ? O : never;

/**
 * A done call's result typed by its tool. The one sound cast of a result:
 * the executor checks every result against the tool's output schema before
 * it answers (schema.ts checkOutput), so a call of `tool` returns this shape.
 */
export function resultOf<T extends Tool>(_tool: T, result: unknown): ToolResult<T> {
  return result as ToolResult<T>;
}

const RISK_ORDER: readonly Risk[] = RISKS;
/** For callRisk without an environment (tests of argument-only rules): path rules see nothing there. */
const NO_ENV: ToolEnv = { mode: "dev", root: "/nonexistent", fsRoots: [], paths: { data: "/nonexistent", log: "/nonexistent", run: "/nonexistent", secrets: "/nonexistent" } };

/** A call's risk: the tool's, raised by `riskOf` for these arguments (a sensitive path, a forced close), never lowered. */
export function callRisk<I>(tool: Tool<I>, args: I, env: ToolEnv = NO_ENV): Risk {
  const raised = tool.riskOf?.(args, env);
  return raised && RISK_ORDER.indexOf(raised) > RISK_ORDER.indexOf(tool.risk) ? raised : tool.risk;
}

/** The namespace of a tool name: `fs` for `fs.write`. */
export function namespaceOf(name: string): string {
  return name.slice(0, name.indexOf("."));
}

// ---- host providers: a family's long-lived services (catalog.ts lists them) ----

/** What a family's provider adds to the host the executor hands its tools, and how to stop it. */
export interface HostPart {
  host: Partial<ToolHost>;
  stop?(): void | Promise<void>;
}

/** What a provider gets: where tools act, the one shared working-db connection, and what the providers before it added. */
export interface HostContext {
  env: ToolEnv;
  /** working.db (synchronous=FULL), shared by every family's store; the tool system's owner closes it. */
  working: Db;
  host: Partial<ToolHost>;
}

export type HostProvider = (ctx: HostContext) => HostPart | Promise<HostPart>;
