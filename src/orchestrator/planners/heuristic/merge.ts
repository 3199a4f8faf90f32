/**
 * The clauses' tasks as one plan. A call that an earlier task already makes
 * (same tool, same arguments) is dropped, and a task left without calls
 * becomes an alias of the tasks that make them, so "install nginx and
 * configure it as a reverse proxy" installs once. Later clauses wait for
 * earlier ones: each task that starts its clause depends on the previous
 * clause's last tasks, except those the later clause itself includes (its
 * own dependencies already order them), so the later clause's independent
 * steps keep running in parallel. Ids stay unique (`start`, `start-2`).
 */
import { type TaskPlan, topologicalOrder } from "../../plan";

export interface ClauseTasks {
  /** For messages: the clause as written. */
  clause: string;
  tasks: TaskPlan[];
}

/** Same tool, same arguments (key order ignored). */
export function callKey(tool: string, args: unknown): string {
  return `${tool} ${stable(args)}`;
}

function stable(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stable).join(",")}]`;
  if (x && typeof x === "object") {
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((x as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(x) ?? "null";
}

function uniqueId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = `${base.slice(0, 32 - suffix.length)}${suffix}`;
    if (!taken.has(id)) return id;
  }
}

export function mergeTasks(parts: readonly ClauseTasks[]): TaskPlan[] {
  const out: TaskPlan[] = [];
  const holder = new Map<string, string>(); // call key → id of the task that makes it
  const taken = new Set<string>();
  let previous: string[] = []; // final ids of the last clause's leaves

  for (const part of parts) {
    const order = topologicalOrder(part.tasks);
    if (!order) throw new Error(`clause "${part.clause}": its tasks depend on each other in a cycle`);
    const byId = new Map(part.tasks.map((t) => [t.id, t]));
    const map = new Map<string, string[]>(); // local id → final ids
    const added: TaskPlan[] = [];
    // Earlier tasks whose calls this clause makes too: it includes that work, ordered by its own dependencies.
    const included = new Set(part.tasks.flatMap((t) => t.calls.map((c) => holder.get(callKey(c.tool, c.args)))).filter((h): h is string => h !== undefined));
    for (const localId of order) {
      const t = byId.get(localId)!;
      const kept = t.calls.filter((c) => !holder.has(callKey(c.tool, c.args)));
      const holders = [...new Set(t.calls.filter((c) => holder.has(callKey(c.tool, c.args))).map((c) => holder.get(callKey(c.tool, c.args))!))];
      const deps = [...new Set(t.dependsOn.flatMap((d) => map.get(d) ?? []))];
      if (kept.length === 0) {
        map.set(localId, holders);
        continue;
      }
      const id = uniqueId(t.id, taken);
      taken.add(id);
      map.set(localId, [id]);
      for (const c of kept) holder.set(callKey(c.tool, c.args), id);
      const merged: TaskPlan = { ...t, id, calls: kept, dependsOn: [...new Set([...deps, ...holders])] };
      // The first tasks of this clause wait for the previous clause, unless this clause includes that work itself.
      if (t.dependsOn.length === 0) merged.dependsOn = [...new Set([...merged.dependsOn, ...previous.filter((p) => !included.has(p))])];
      added.push(merged);
    }
    out.push(...added);
    // This clause's last tasks: what it maps to that nothing else in it depends on.
    const finals = [...new Set(order.flatMap((l) => map.get(l) ?? []))];
    const depended = new Set(added.flatMap((t) => t.dependsOn));
    const leaves = finals.filter((id) => !depended.has(id));
    if (leaves.length) previous = leaves;
  }
  return out;
}
