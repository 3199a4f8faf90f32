/**
 * Cron expressions for the schedule tools: checked by sys/cron.ts (croner,
 * five fields, must fire), and when a job will run next.
 */
import { Cron } from "croner";

export { cronProblem } from "../../sys/cron";

/** The next `n` times the expression fires after `from` (local time, as croner reads it), as ISO instants. */
export function nextRuns(expr: string, n: number, from: Date = new Date()): string[] {
  const c = new Cron(expr, { paused: true });
  try {
    return c.nextRuns(n, from).map((d) => d.toISOString());
  } finally {
    c.stop();
  }
}
