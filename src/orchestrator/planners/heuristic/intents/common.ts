/**
 * What the intents share: building tasks and calls, read-only probes that
 * report failure as a value, what pkg.info and service.list say, and the
 * two package tasks (is it there? install it) that several intents begin
 * with, built the same way so the merge recognises them as one.
 */
import type { TaskPlan, ToolCallPlan } from "../../../plan";
import type { PlanningContext } from "../../../types";

export function call(tool: string, args: Record<string, unknown>, why?: string): ToolCallPlan {
  return why === undefined ? { tool, args } : { tool, args, why };
}

/** A call that is the plan's own check (a search before an install): its result is not part of the goal's answer. */
export function check(tool: string, args: Record<string, unknown>, why?: string): ToolCallPlan {
  return { ...call(tool, args, why), answer: false };
}

export function task(id: string, title: string, agent: string, calls: ToolCallPlan[], dependsOn: string[] = []): TaskPlan {
  return { id, title, agent, calls, dependsOn };
}

export type Probed<T> = { ok: true; value: T } | { ok: false; code: string | undefined; message: string };

/** The first specific code along an error's cause chain (`not_found`, `ENOENT`), past wrappers' generic `failed`. */
export function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && e.code !== "failed") return e.code;
  }
  return undefined;
}

export async function probe<T>(ctx: PlanningContext, tool: string, args: Record<string, unknown>): Promise<Probed<T>> {
  try {
    return { ok: true, value: (await ctx.probe(tool, args)) as T };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { ok: false, code: codeOf(err), message: err instanceof Error ? err.message : String(err) };
  }
}

/** The parts of pkg.info's answer the intents read. */
export interface PkgInfo {
  name: string;
  available: { version: string; depends: string } | null;
  installed: {
    version: string;
    auto: boolean;
    filesTotal: number;
    files: Array<{ path: string; type: string; conffile: boolean }>;
    directories: Array<{ path: string; created: boolean }>;
  } | null;
  provided: { version: string } | null;
  repositoryError: string | null;
}

export type PackageState =
  | { state: "installed" | "provided" | "available"; info: PkgInfo }
  | { state: "unknown"; why: string }
  | { state: "unreachable"; why: string };

/** What the system says about a package: installed, in the base image, available, unknown to every repository, or no answer. */
export async function packageState(ctx: PlanningContext, name: string): Promise<PackageState> {
  const r = await probe<PkgInfo>(ctx, "pkg.info", { name });
  if (!r.ok) return r.code === "not_found" ? { state: "unknown", why: r.message } : { state: "unreachable", why: r.message };
  const info = r.value;
  if (info.installed) return { state: "installed", info };
  if (info.provided) return { state: "provided", info };
  if (info.available) return { state: "available", info };
  if (info.repositoryError) return { state: "unreachable", why: `${name}: not installed, and ${info.repositoryError}` };
  return { state: "unknown", why: `${name}: no repository has it${info.repositoryError ? ` (${info.repositoryError})` : ""}` };
}

export interface ServiceRow {
  name: string;
  state: string;
  enabled: boolean;
  after: string[];
}

/** The defined services, or null when the service manager could not be asked. */
export async function definedServices(ctx: PlanningContext): Promise<ServiceRow[] | null> {
  const r = await probe<{ services: ServiceRow[] }>(ctx, "service.list", {});
  return r.ok ? r.value.services : null;
}

export const ACTIVE_STATES = new Set(["starting", "running", "backoff", "stopping"]);

/**
 * The two tasks that put packages on the system: look for each in the
 * repositories, then install them (idempotent: an installed package is left
 * as it is). Other intents that need a package start with exactly these.
 */
export function packageTasks(names: readonly string[]): TaskPlan[] {
  const list = names.join(", ");
  return [
    task("check-package", `Check that ${list} ${names.length === 1 ? "is" : "are"} available in the package repositories`, "package",
      names.map((n) => check("pkg.search", { query: n.split("=")[0]!, limit: 5 }, `confirm ${n.split("=")[0]} is in a configured repository before installing`))),
    task("install", `Install ${list}`, "package", [call("pkg.install", { names: [...names] }, "installs the packages and their dependencies; already installed ones are left as they are")], ["check-package"]),
  ];
}
