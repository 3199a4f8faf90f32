import type { TraceEvent } from "./trace";

/**
 * The line a person follows live for a trace event (the REPL and the CLI
 * print these; the rest, planners' passes, routing and calls, is in the whole
 * trace), or undefined. `decide` words how to answer a held call on that surface.
 */
export function progressLine(e: TraceEvent, decide: (approvalId: string) => string): string | undefined {
  switch (e.kind) {
    case "plan":
    case "task":
    case "rollback":
      return e.message;
    case "approval": {
      const d = e.data as { approvalId?: string } | null;
      return d?.approvalId ? `${e.message}: ${decide(d.approvalId)}` : e.message;
    }
    default:
      return undefined;
  }
}
