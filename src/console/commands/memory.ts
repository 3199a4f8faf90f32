/** `memory`: what the memory tiers hold, how big their files are, and which retrievers search uses. */
import type { Memory } from "../../memory";
import { type CommandIO, defineCommand } from "../command";
import { table } from "../../sys/text";

export function memoryOf(io: CommandIO): Memory {
  const m = io.deps.memory?.();
  if (!m) throw new Error("memory is not available (the memory boot step did not run)");
  return m;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

function ago(ts: number | null, now = Date.now()): string {
  if (ts === null) return "never";
  const min = Math.round((now - ts) / 60_000);
  return min < 1 ? "just now" : min < 120 ? `${min} min ago` : `${Math.round(min / 60)} h ago`;
}

export const memory = defineCommand({
  name: "memory",
  summary: "memory tiers: documents, vectors, goals, buffers, file sizes",
  run: (_args, io) => {
    const s = memoryOf(io).stats();
    const v = s.vectors;
    const goals = Object.entries(s.working.goals ?? {})
      .filter(([, n]) => n > 0)
      .map(([state, n]) => `${n} ${state}`)
      .join(", ");
    const index = v.index ? `; ${v.index.kind} index, ${v.index.lists} list(s), ${bytes(v.index.bytes)}` : "";
    io.print(
      table([
        ["documents", `${s.documents.document} (and ${s.documents.procedure} procedures, ${s.documents.decision} decisions)`],
        ["chunks", String(s.chunks)],
        ["embedding", s.embeddingModel ? `${s.embeddingModel}: ${v.indexed} vectors, ${v.stale} waiting${index}` : "none installed: full-text search only"],
        ["goals", goals || "none"],
        ["tasks", String(s.working.tasks ?? 0)],
        ["events", `${s.operational.events.size}/${s.operational.events.capacity} in the ring`],
        ["metrics", `${s.operational.metrics.size}/${s.operational.metrics.capacity} in the ring`],
        ["longterm.db", `${bytes(s.files.longterm.bytes)}  ${s.files.longterm.path}`],
        ["working.db", `${bytes(s.files.working.bytes)}  ${s.files.working.path}`],
        ["maintenance", ago(s.lastMaintenance)],
      ]),
    );
  },
});
