/**
 * Cron expressions, checked and read by croner (a maintained library: ranges,
 * steps, names, and nicknames such as @daily). aiOS takes the classic five
 * fields only: croner's optional seconds field would ask for runs the
 * autonomy loop cannot give (it wakes once per tick, 30 s by default), so
 * `* * * * * *` is refused rather than read as "every tick" (issue 11). An
 * expression that never fires (`0 0 31 2 *`) is refused too: a job that is
 * never run is a mistake, not a schedule. Shared by config.toml's jobs and
 * schedule.add, hence in the bottom layer.
 */
import { Cron } from "croner";

/** Why the expression is refused, or null when it is a five-field expression that fires. */
export function cronProblem(expr: string): string | null {
  const text = expr.trim();
  if (!text.startsWith("@")) {
    const fields = text.split(/\s+/).length;
    if (fields !== 5) return `needs 5 fields (minute hour day-of-month month day-of-week), got ${fields}${fields === 6 ? ": seconds are not supported, jobs run at most once per autonomy tick" : ""}`;
  }
  let c: Cron;
  try {
    c = new Cron(text, { paused: true });
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).replace(/^CronPattern: /, "");
  }
  try {
    if (c.nextRun() === null) return "never fires (no such date, such as 31 February)";
  } finally {
    c.stop();
  }
  return null;
}
