/**
 * The dependency graph of services (seed 002's `After=` edges): start order
 * is a depth-first topological sort from the service asked for, so its
 * dependencies come first; stop order is the reverse over its dependents.
 */
import { ServiceError } from "./errors";

export interface Node {
  name: string;
  after: readonly string[];
}

/** `name` and everything it needs, dependencies first. Missing dependencies and cycles are refused. */
export function startOrder(nodes: ReadonlyMap<string, Node>, name: string): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (n: string, from?: string) => {
    if (done.has(n)) return;
    const node = nodes.get(n);
    if (!node) throw from === undefined ? new ServiceError("unknown_service", n, "no such service") : new ServiceError("missing_dependency", from, `depends on ${n}, which is not defined`);
    const at = path.indexOf(n);
    if (at >= 0) throw new ServiceError("dependency_cycle", name, `dependency cycle ${[...path.slice(at), n].join(" -> ")}`);
    path.push(n);
    for (const dep of node.after) visit(dep, n);
    path.pop();
    done.add(n);
    order.push(n);
  };
  visit(name);
  return order;
}

/** Every service that needs `name`, directly or not, in the order to stop them (the most dependent first). */
export function stopOrder(nodes: ReadonlyMap<string, Node>, name: string): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (n: string) => {
    if (done.has(n)) return;
    done.add(n);
    for (const other of [...nodes.values()].sort((x, y) => (x.name < y.name ? -1 : 1))) if (other.after.includes(n)) visit(other.name);
    order.push(n);
  };
  visit(name);
  return order.filter((n) => n !== name);
}

/** A cycle among the definitions, if any, as `a -> b -> a`; missing dependencies are allowed (defined later). */
export function findCycle(nodes: ReadonlyMap<string, Node>): string | undefined {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (n: string): string | undefined => {
    const s = state.get(n);
    if (s === "done") return undefined;
    if (s === "visiting") return [...path.slice(path.indexOf(n)), n].join(" -> ");
    const node = nodes.get(n);
    if (!node) return undefined;
    state.set(n, "visiting");
    path.push(n);
    for (const dep of node.after) {
      const c = visit(dep);
      if (c) return c;
    }
    path.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const n of [...nodes.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/**
 * All services, each after what it needs: the order to start everything
 * (reverse it to stop). Tolerates missing dependencies, which only a start
 * of the service that needs them refuses.
 */
export function fullOrder(nodes: ReadonlyMap<string, Node>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (n: string) => {
    const node = nodes.get(n);
    if (!node || seen.has(n)) return;
    seen.add(n);
    for (const dep of node.after) visit(dep);
    out.push(n);
  };
  for (const n of [...nodes.keys()].sort()) visit(n);
  return out;
}
