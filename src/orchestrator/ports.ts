/**
 * What the engine needs from the layers below, as narrow interfaces: the
 * boot layer passes the real working memory, executor and registry; tests
 * pass the same real objects opened on temporary files.
 */
import type { KvStore } from "../memory";
import type { GoalStore, TaskStore } from "./goals";
import type { CorrelationUndo } from "../tools/rollback";
import type { ToolDescription, ToolRegistry } from "../tools/registry";
import type { TraceStore } from "./trace";
import type { StoredProcedure } from "./types";

export interface EngineStores {
  goals: GoalStore;
  tasks: TaskStore;
  trace: TraceStore;
  kv: KvStore;
  /** Procedures from long-term memory that may fit this goal, best first. */
  procedures(goal: string): Promise<StoredProcedure[]>;
  /** Writes a successful plan to long-term memory. */
  recordProcedure(p: { title: string; goal: string; steps: string[]; plan: unknown }): Promise<unknown>;
}

export interface EngineTools {
  registry: ToolRegistry;
  describe(): ToolDescription[];
  allows(agent: string, tool: string): boolean;
  timeoutMs(tool: string): number;
  rollbackCorrelation(correlationId: string, by: string): Promise<CorrelationUndo>;
  /** Calls of a correlation that a crash or power cut interrupted, each with what boot found and did. */
  interruptedCalls(correlationId: string): Array<{ callId: string; tool: string; outcome: string }>;
  /** Calls of a correlation that wait for approval. */
  heldCalls(correlationId: string): Array<{ approvalId: string; tool: string }>;
  deny(approvalId: string, by: string, reason: string): void;
}
