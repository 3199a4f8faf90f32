/**
 * Cron expressions, checked and read by croner (a maintained library: five
 * fields, an optional leading seconds field, ranges, steps, names, and
 * nicknames such as @daily). Used by schedule.add to refuse a bad expression
 * before it is stored, and to say when a job will run next.
 */
import { Cron } from "croner";

/** Why croner refuses the expression, or null when it parses. */
export function cronProblem(expr: string): string | null {
  try {
    new Cron(expr, { paused: true }).stop();
    return null;
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).replace(/^CronPattern: /, "");
  }
}

/** The next `n` times the expression fires after `from` (local time, as croner reads it), as ISO instants. */
export function nextRuns(expr: string, n: number, from: Date = new Date()): string[] {
  const c = new Cron(expr, { paused: true });
  try {
    return c.nextRuns(n, from).map((d) => d.toISOString());
  } finally {
    c.stop();
  }
}
