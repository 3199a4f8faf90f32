/**
 * Starts the agents as actors under one `agents` supervisor (one_for_one,
 * every agent permanent), declares each agent's capabilities, and gives the
 * rest of the system one handle on them: list, ask, call, route.
 */
import { type ActorRef, type ActorStatus, type ActorSystem, supervisor, type SupervisorMsg, type SupervisorOptions } from "../actors";
import { type CallOutcome, type Capabilities, type ToolCaller } from "../tools";
import type { Agent, AgentMessage, CallMessage } from "./define";
import { NoAgentForToolError, UnknownAgentError } from "./errors";
import { agentLogic, KILL } from "./logic";

export const AGENTS_SUPERVISOR = { strategy: "one_for_one", intensity: 5, period: 10_000 } as const;
/** Tool calls may take their own timeouts (30 s by default); an ask waits a little longer. */
export const DEFAULT_AGENT_ASK_MS = 35_000;

export interface AgentInfo {
  name: string;
  description: string;
  /** The capabilities in force: declared, plus granted, less those a run-time revoke covers. */
  capabilities: string[];
  /** Run-time revokes in force (sec.revoke; kept across reboots until granted back or undone), e.g. `fs.write` out of `fs`, or `*`. */
  revoked: string[];
  status: ActorStatus;
  restarts: number;
  mailboxDepth: number;
}

export interface StartAgentsOptions {
  agents: readonly Agent[];
  caller: ToolCaller;
  capabilities: Capabilities;
  actors: ActorSystem;
  /** The supervisor the agents' supervisor starts under (the root, owned by PID 1). Absent: a top-level actor. */
  parent?: ActorRef<SupervisorMsg>;
  /** Local id of the agents' supervisor. Default "agents". */
  id?: string;
  supervisor?: Pick<SupervisorOptions, "intensity" | "period" | "backoff">;
  /** How long agent shutdown waits for a message in hand. Default 5000 ms. */
  shutdownMs?: number;
  askTimeoutMs?: number;
}

export class AgentRuntime {
  constructor(
    private readonly agents: readonly Agent[],
    private readonly actors: ActorSystem,
    private readonly capabilities: Capabilities,
    /** Registry id of the agents' supervisor; agent actors are `<it>/<name>`. */
    readonly supervisorId: string,
    private readonly stopTree: () => Promise<void>,
    private readonly askTimeoutMs: number,
  ) {}

  names(): string[] {
    return this.agents.map((a) => a.name);
  }

  has(name: string): boolean {
    return this.agents.some((a) => a.name === name);
  }

  /** The running actor; looked up each time, since a restarted supervisor starts new ones. */
  ref(name: string): ActorRef<AgentMessage> | undefined {
    return this.actors.get(`${this.supervisorId}/${name}`);
  }

  list(): AgentInfo[] {
    return this.agents.map((a) => {
      const ref = this.ref(a.name);
      return {
        name: a.name,
        description: a.description,
        capabilities: this.capabilities.list(a.name),
        revoked: this.capabilities.revokedList(a.name),
        status: ref?.status ?? "stopped",
        restarts: ref?.restarts ?? 0,
        mailboxDepth: ref?.mailboxDepth ?? 0,
      };
    });
  }

  get(name: string): AgentInfo | undefined {
    return this.list().find((a) => a.name === name);
  }

  /** Sends a message to an agent and waits for its reply (rejects with the agent's error, UnknownAgentError, or an actor error). */
  async ask<R = unknown>(name: string, msg: AgentMessage, timeoutMs = this.askTimeoutMs): Promise<R> {
    if (!this.has(name)) throw new UnknownAgentError(name);
    const ref = this.ref(name);
    if (!ref) throw new UnknownAgentError(name);
    return ref.ask<R>(msg, timeoutMs);
  }

  /** One tool call made by an agent (the one named, or the first whose capabilities cover the tool). */
  call(
    req: { tool: string; args?: unknown; agent?: string; correlationId?: string; autonomy?: CallMessage["autonomy"]; signal?: AbortSignal; onBehalfOf?: string },
    timeoutMs?: number,
  ): Promise<CallOutcome> {
    const agent = req.agent ?? this.route(req.tool);
    if (agent === undefined) return Promise.reject(new NoAgentForToolError(req.tool));
    const msg: CallMessage = { type: "call", tool: req.tool, args: req.args ?? {}, correlationId: req.correlationId, autonomy: req.autonomy, signal: req.signal, onBehalfOf: req.onBehalfOf };
    return this.ask<CallOutcome>(agent, msg, timeoutMs);
  }

  /** Crashes the agent on purpose; its supervisor restarts it (and escalates, past its intensity). */
  kill(name: string, by: string): void {
    const ref = this.ref(name);
    if (!this.has(name) || !ref) throw new UnknownAgentError(name);
    ref.send({ type: "kill", by, [KILL]: true });
  }

  /** The first agent, in definition order, whose capabilities in force cover the tool. */
  route(tool: string): string | undefined {
    return this.agents.find((a) => this.capabilities.allows(a.name, tool))?.name;
  }

  /** Stops every agent, in reverse order, and removes their supervisor from its parent. */
  stop(): Promise<void> {
    return this.stopTree();
  }
}

export async function startAgents(opts: StartAgentsOptions): Promise<AgentRuntime> {
  const seen = new Set<string>();
  for (const a of opts.agents) {
    if (seen.has(a.name)) throw new Error(`startAgents: agent ${a.name} defined twice`);
    seen.add(a.name);
  }
  for (const a of opts.agents) opts.capabilities.declare(a.name, a.capabilities);

  const id = opts.id ?? "agents";
  const logic = supervisor({
    ...AGENTS_SUPERVISOR,
    ...opts.supervisor,
    children: opts.agents.map((a) => ({ id: a.name, start: agentLogic(a, opts.caller), restart: "permanent" as const, shutdown: opts.shutdownMs ?? 5000 })),
  });

  let sup: ActorRef<SupervisorMsg>;
  let stopTree: () => Promise<void>;
  const parent = opts.parent;
  if (parent) {
    sup = await parent.ask<ActorRef<SupervisorMsg>>({ type: "start_child", spec: { id, start: logic, restart: "permanent", shutdown: Infinity } });
    stopTree = async () => {
      // Through the parent, so it is not restarted; a parent already stopped has stopped it too.
      if (parent.status === "running") await parent.ask({ type: "terminate_child", id }).catch(() => sup.stop());
    };
  } else {
    sup = await opts.actors.start(logic, { id, shutdownMs: Infinity });
    stopTree = () => sup.stop();
  }
  return new AgentRuntime(opts.agents, opts.actors, opts.capabilities, sup.id, stopTree, opts.askTimeoutMs ?? DEFAULT_AGENT_ASK_MS);
}
