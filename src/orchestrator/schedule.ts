/**
 * Runs a plan's tasks as a dependency graph: a task starts as soon as every
 * task it depends on is done, independent tasks run at the same time. The
 * first failure stops new starts; tasks already running finish (their tool
 * calls are audited and may need rolling back), the rest are skipped.
 */
import type { Plan, TaskPlan } from "./plan";

export type TaskStatus = "pending" | "running" | "done" | "failed" | "skipped";

export interface TaskOutcome {
  id: string;
  status: TaskStatus;
  result?: unknown;
  error?: string;
  /** What the task threw, for a caller that tells passing failures from lasting ones. */
  cause?: unknown;
  startedAt?: number;
  endedAt?: number;
}

export interface ScheduleResult {
  ok: boolean;
  tasks: TaskOutcome[];
  /** The first task that failed, when one did. */
  failed?: TaskOutcome;
}

export interface ScheduleOptions {
  signal?: AbortSignal;
  /** At most this many tasks at once (default: no limit). */
  concurrency?: number;
  onTask?(outcome: TaskOutcome): void;
}

export async function runSchedule(
  plan: Plan,
  runTask: (task: TaskPlan, signal: AbortSignal) => Promise<unknown>,
  opts: ScheduleOptions = {},
): Promise<ScheduleResult> {
  const outcomes = new Map<string, TaskOutcome>(plan.tasks.map((t) => [t.id, { id: t.id, status: "pending" }]));
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  const limit = opts.concurrency ?? Number.POSITIVE_INFINITY;
  const running = new Map<string, Promise<void>>();
  let failed: TaskOutcome | undefined;

  const ready = () =>
    plan.tasks.filter((t) => outcomes.get(t.id)!.status === "pending" && t.dependsOn.every((d) => outcomes.get(d)!.status === "done"));

  const start = (task: TaskPlan) => {
    const outcome = outcomes.get(task.id)!;
    outcome.status = "running";
    outcome.startedAt = Date.now();
    opts.onTask?.({ ...outcome });
    const p = runTask(task, stop.signal).then(
      (result) => {
        outcome.status = "done";
        outcome.result = result;
      },
      (err: unknown) => {
        outcome.status = "failed";
        outcome.error = err instanceof Error ? err.message : String(err);
        outcome.cause = err;
        failed ??= outcome;
        stop.abort(new Error(`task ${task.id} failed`));
      },
    ).finally(() => {
      outcome.endedAt = Date.now();
      running.delete(task.id);
      opts.onTask?.({ ...outcome });
    });
    running.set(task.id, p);
  };

  try {
    for (;;) {
      if (!stop.signal.aborted) for (const task of ready()) if (running.size < limit) start(task);
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
  for (const o of outcomes.values()) {
    if (o.status !== "pending") continue;
    o.status = "skipped";
    o.error = failed ? `not started: task ${failed.id} failed` : "not started: cancelled";
    opts.onTask?.({ ...o });
  }
  const tasks = plan.tasks.map((t) => outcomes.get(t.id)!);
  const ok = tasks.every((t) => t.status === "done");
  return failed ? { ok, tasks, failed } : { ok, tasks };
}
