/**
 * The engine's ports over the real parts: working and long-term memory, and
 * the tool system (registry, executor, capabilities). Used by the boot layer
 * and by tests alike, so both run the same code.
 */
import type { Memory } from "../memory";
import type { Executor } from "../tools/executor";
import { type GoalStores, openGoalStores } from "./goals";
import type { ToolSystem } from "../tools/system";
import type { EngineStores, EngineTools } from "./ports";
import { TraceStore } from "./trace";
import type { StoredProcedure } from "./types";

/** `opened`: goal stores the caller opened earlier (the boot opens them with memory). */
export function memoryStores(memory: Memory, opened: GoalStores = openGoalStores(memory)): EngineStores {
  const { goals, tasks } = opened;
  return {
    goals,
    tasks,
    trace: new TraceStore(memory.working.fast),
    kv: memory.working.kv,
    async procedures(goal) {
      const found = await memory.longterm.search(goal, { k: 5, kinds: ["procedure"] });
      const out: StoredProcedure[] = [];
      for (const hit of found.hits) {
        const doc = memory.longterm.get(hit.documentId);
        if (!doc || out.some((p) => p.documentId === doc.id)) continue;
        const meta = doc.meta as { steps?: unknown; goal?: string | null; plan?: unknown };
        out.push({ title: doc.title, goal: meta.goal ?? undefined, steps: meta.steps ?? [], plan: meta.plan ?? undefined, documentId: doc.id, updatedAt: doc.updatedAt });
      }
      return out;
    },
    recordProcedure: (p) => memory.longterm.recordProcedure(p),
  };
}

export function toolPorts(tools: Pick<ToolSystem, "registry" | "capabilities"> & { executor: Executor }): EngineTools {
  const { registry, capabilities, executor } = tools;
  return {
    registry,
    describe: () => registry.describeAll(),
    allows: (agent, tool) => capabilities.allows(agent, tool),
    timeoutMs: (tool) => registry.get(tool)?.timeoutMs ?? 30_000,
    rollbackCorrelation: (id, by) => executor.rollbackCorrelation(id, by),
    interruptedCalls: (correlationId) =>
      executor.calls
        .byCorrelation(correlationId)
        .filter((c) => c.status === "interrupted")
        .reverse()
        .map((c) => ({ callId: `c${c.seq}`, tool: c.tool, outcome: (c.errorMessage ?? "").replace(/^aios-init stopped while the call ran; /, "") })),
    heldCalls: (correlationId) =>
      executor.approvals
        .pending()
        .filter((a) => executor.getCall(a.callId).correlationId === correlationId)
        .map((a) => ({ approvalId: a.approvalId, tool: a.tool })),
    deny: (approvalId, by, reason) => void executor.approvals.deny(approvalId, { by, reason }),
  };
}
