/**
 * Dependency resolution, before anything is downloaded or written.
 *
 * Install: the closure of the requested packages over Pre-Depends and
 * Depends, against what is present (the base image's packages and those
 * installed). Alternatives (`a | b`) are tried in order, each with the highest
 * version that satisfies the constraint first, then packages that Provide the
 * name; a choice that leads to a conflict or an unmet dependency further down
 * is undone and the next one tried (depth-first search with backtracking).
 * Conflicts and Breaks are checked both ways, against present and chosen
 * packages. Present packages are never replaced: upgrades are refused.
 *
 * Remove: the packages asked for, plus (with cascade) every installed package
 * that would be left with an unmet dependency, plus (with autoremove) the
 * packages installed only as dependencies that nothing kept needs any more.
 */
import { formatAlternatives, formatRelation, type PackageRecord, type Relation, requirements } from "./control";
import { PkgNeededError, PkgNotFoundError, PkgNotInstalledError, PkgResolveError } from "./errors";
import { PackageSet, satisfiesRelation } from "./pkgset";
import { compareVersions } from "./version";

export type Origin = "base" | "installed";

export interface Present {
  record: PackageRecord;
  origin: Origin;
  /** Installed only as a dependency of something else. */
  auto?: boolean;
}

export interface InstallRequest {
  name: string;
  /** An exact version (`name=version`). */
  version?: string;
}

export interface ResolveInput {
  available: PackageSet;
  present: ReadonlyMap<string, Present>;
  /** dpkg architecture (amd64); packages of other architectures (but `all`) are ignored. */
  architecture: string;
}

export interface PlannedInstall {
  record: PackageRecord;
  /** False for what was asked for, true for dependencies. */
  auto: boolean;
  /** Why it is in the plan: "requested" or "nginx depends on nginx-common (>= ...)". */
  reason: string;
}

export interface InstallPlan {
  /** In dependency order: each package after everything it depends on. */
  install: PlannedInstall[];
  /** Requested names that were present already. */
  already: Array<{ name: string; version: string; origin: Origin }>;
}

interface Pending {
  owner: PackageRecord | null;
  clause: Relation[];
}

const MAX_STEPS = 20_000;
const MAX_MESSAGE = 1500;

class SearchLimit extends Error {}

function shorten(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}...` : s;
}

/** Parses "name" or "name=version" (apt's syntax). */
export function parseRequest(spec: string): InstallRequest {
  const eq = spec.indexOf("=");
  if (eq < 0) return { name: spec.trim().toLowerCase() };
  return { name: spec.slice(0, eq).trim().toLowerCase(), version: spec.slice(eq + 1).trim() };
}

/**
 * The install plan: the requests read against what is present, then the
 * depth-first search for a consistent set of packages, then that set in
 * dependency order.
 */
export function resolveInstall(requests: readonly InstallRequest[], input: ResolveInput): InstallPlan {
  const ctx: Search = { input, presentSet: new PackageSet([...input.present.values()].map((p) => p.record)), steps: 0 };
  const { already, roots, requested } = readRequests(requests, ctx);
  const found = searchOrRefuse(roots, requested, ctx);
  const order = dependencyOrder([...found.chosen.values()], found.chosen);
  return {
    install: order.map((record) => ({ record, auto: !requested.has(record.name), reason: found.reasons.get(record.name) ?? "requested" })),
    already,
  };
}

/** What one search shares: the input, the present packages as a set, the steps taken against MAX_STEPS. */
interface Search {
  input: ResolveInput;
  presentSet: PackageSet;
  steps: number;
}

type Chosen = Map<string, PackageRecord>;
type Solved = { ok: true; chosen: Chosen; reasons: Map<string, string> } | { ok: false; error: string; conflict: boolean };

const archOk = (ctx: Search, r: PackageRecord) => r.architecture === ctx.input.architecture || r.architecture === "all";

/** Each request either present already (an exact version must match: no upgrades) or a root clause of the search. */
function readRequests(requests: readonly InstallRequest[], ctx: Search): { already: InstallPlan["already"]; roots: Pending[]; requested: Set<string> } {
  const already: InstallPlan["already"] = [];
  const roots: Pending[] = [];
  const requested = new Set<string>();
  for (const req of requests) {
    const here = ctx.input.present.get(req.name);
    if (here) {
      if (req.version === undefined || compareVersions(here.record.version, req.version) === 0) {
        already.push({ name: req.name, version: here.record.version, origin: here.origin });
        continue;
      }
      const where = here.origin === "base" ? "provided by the base image" : "installed";
      throw new PkgResolveError("not_installable", req.name, `${req.name}=${req.version}: ${where} at ${here.record.version}; upgrades and downgrades are not supported (remove it first)`);
    }
    const real = ctx.input.available.versions(req.name).filter((r) => archOk(ctx, r));
    if (real.length === 0) {
      const virtual = readVirtualRequest(req, ctx);
      if (virtual.present) already.push(virtual.present);
      else {
        requested.add(virtual.provider);
        roots.push({ owner: null, clause: [{ name: virtual.provider }] });
      }
      continue;
    }
    if (req.version !== undefined && !real.some((r) => compareVersions(r.version, req.version!) === 0)) {
      throw new PkgNotFoundError(req.name, `version ${req.version} is not available (available: ${real.map((r) => r.version).join(", ")})`);
    }
    requested.add(req.name);
    roots.push({ owner: null, clause: [req.version === undefined ? { name: req.name } : { name: req.name, op: "=", version: req.version }] });
  }
  return { already, roots, requested };
}

/** A name no package has: a virtual one, met by a present provider or by its one available provider (several must be chosen between by the caller). */
function readVirtualRequest(req: InstallRequest, ctx: Search): { present: InstallPlan["already"][number]; provider?: never } | { present?: never; provider: string } {
  const providers = ctx.input.available.providers(req.name).filter((r) => archOk(ctx, r));
  const presentProvider = ctx.presentSet.providers(req.name)[0];
  if (presentProvider && req.version === undefined) {
    return { present: { name: presentProvider.name, version: presentProvider.version, origin: ctx.input.present.get(presentProvider.name)!.origin } };
  }
  const names = [...new Set(providers.map((p) => p.name))].sort();
  if (names.length > 1) throw new PkgResolveError("not_installable", req.name, `${req.name} is a virtual package provided by ${names.join(", ")}: name one of them`);
  if (names.length === 0 || req.version !== undefined) throw new PkgNotFoundError(req.name);
  return { provider: names[0]! };
}

/** The search from the roots, its failure (or giving up) turned into the error the caller sees. */
function searchOrRefuse(roots: Pending[], requested: Set<string>, ctx: Search): { chosen: Chosen; reasons: Map<string, string> } {
  const names = [...requested].join(", ");
  let result: Solved;
  try {
    result = solve(ctx, new Map(), new Map(), roots);
  } catch (err) {
    if (err instanceof SearchLimit) throw new PkgResolveError("unmet_dependency", names, `${names}: dependency search gave up after ${MAX_STEPS} steps`);
    throw err;
  }
  if (!result.ok) throw new PkgResolveError(result.conflict ? "conflict" : "unmet_dependency", names, shorten(result.error));
  return result;
}

/** The first unmet clause of the agenda tried with each candidate in turn, the rest of the agenda solved after it (backtracking). */
function solve(ctx: Search, chosen: Chosen, reasons: Map<string, string>, agenda: Pending[]): Solved {
  for (let i = 0; i < agenda.length; i++) {
    const item = agenda[i]!;
    if (item.clause.some((rel) => satisfiedBy(ctx, rel, chosen))) continue;
    return tryCandidates(ctx, item, agenda.slice(i + 1), chosen, reasons);
  }
  return { ok: true, chosen, reasons };
}

function tryCandidates(ctx: Search, item: Pending, rest: Pending[], chosen: Chosen, reasons: Map<string, string>): Solved {
  const why: string[] = [];
  let allConflicts = true;
  const cands = candidates(ctx, item.clause);
  for (const cand of cands) {
    if (++ctx.steps > MAX_STEPS) throw new SearchLimit();
    const block = blocked(ctx, cand, chosen);
    if (block) {
      why.push(`${cand.name} ${cand.version} ${block}`);
      continue;
    }
    const next = new Map(chosen).set(cand.name, cand);
    const nextReasons = new Map(reasons).set(cand.name, item.owner ? `${item.owner.name} depends on ${formatAlternatives(item.clause)}` : "requested");
    const r = solve(ctx, next, nextReasons, [...requirements(cand).map((clause) => ({ owner: cand, clause })), ...rest]);
    if (r.ok) return r;
    if (!r.conflict) allConflicts = false;
    why.push(`${cand.name} ${cand.version}: ${r.error}`);
  }
  if (cands.length === 0) {
    allConflicts = false;
    why.push(...item.clause.map((rel) => describeMissing(ctx, rel, chosen)));
  }
  const head = item.owner ? `${item.owner.name} ${item.owner.version} depends on ${formatAlternatives(item.clause)}` : `cannot install ${formatAlternatives(item.clause)}`;
  return { ok: false, error: `${head}: ${why.join("; ")}`, conflict: allConflicts && cands.length > 0 };
}

/** A present or chosen package (or one providing the name) that meets `rel`. */
function satisfiedBy(ctx: Search, rel: Relation, chosen: Chosen): PackageRecord | undefined {
  for (const p of [ctx.presentSet.get(rel.name), chosen.get(rel.name)]) if (p && satisfiesRelation(p, rel)) return p;
  for (const p of ctx.presentSet.providers(rel.name)) if (satisfiesRelation(p, rel)) return p;
  for (const p of chosen.values()) if (p.provides.some((x) => x.name === rel.name) && satisfiesRelation(p, rel)) return p;
  return undefined;
}

/** What could meet a clause, in the order tried: each alternative's versions (highest first), then its providers by name. */
function candidates(ctx: Search, clause: Relation[]): PackageRecord[] {
  const out: PackageRecord[] = [];
  const seen = new Set<string>();
  const push = (r: PackageRecord) => {
    const key = `${r.name}=${r.version}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(r);
    }
  };
  for (const rel of clause) {
    for (const r of ctx.input.available.versions(rel.name)) if (archOk(ctx, r) && satisfiesRelation(r, rel)) push(r);
    const provs = ctx.input.available.providers(rel.name).filter((r) => archOk(ctx, r) && satisfiesRelation(r, rel));
    provs.sort((a, b) => a.name.localeCompare(b.name) || compareVersions(b.version, a.version));
    for (const r of provs) push(r);
  }
  return out;
}

const conflictsOf = (p: PackageRecord) => [...p.conflicts, ...p.breaks];
const hits = (rels: Relation[], target: PackageRecord, self: PackageRecord) => (target.name !== self.name ? rels.find((rel) => satisfiesRelation(target, rel)) : undefined);

/** Why `cand` cannot join: another version present or chosen, or a conflict either way. */
function blocked(ctx: Search, cand: PackageRecord, chosen: Chosen): string | null {
  const { present } = ctx.input;
  const here = present.get(cand.name);
  if (here && here.record.version !== cand.version) {
    return `cannot replace ${here.origin === "base" ? "the base image's" : "installed"} ${here.record.version} (upgrades are not supported)`;
  }
  const other = chosen.get(cand.name);
  if (other && other.version !== cand.version) return `version ${other.version} is already chosen`;
  for (const q of [...ctx.presentSet.all(), ...chosen.values()]) {
    const mine = hits(conflictsOf(cand), q, cand);
    if (mine) return `conflicts with ${present.has(q.name) ? "installed " : ""}${q.name} ${q.version} (${formatRelation(mine)})`;
    const theirs = hits(conflictsOf(q), cand, q);
    if (theirs) return `${present.has(q.name) ? "installed " : ""}${q.name} ${q.version} conflicts with it (${formatRelation(theirs)})`;
  }
  return null;
}

/** Why nothing could be tried for `rel`: the wrong version is there, no version fits, or no repository has it. */
function describeMissing(ctx: Search, rel: Relation, chosen: Chosen): string {
  const here = ctx.input.present.get(rel.name) ?? (chosen.has(rel.name) ? { record: chosen.get(rel.name)!, origin: "chosen" } : undefined);
  if (here) return `${rel.name} ${here.record.version} is ${here.origin === "base" ? "provided by the base image" : here.origin} and does not satisfy ${formatRelation(rel)} (upgrades are not supported)`;
  const versions = ctx.input.available.versions(rel.name).filter((r) => archOk(ctx, r));
  if (versions.length) return `no available version of ${rel.name} satisfies ${formatRelation(rel)} (available: ${versions.map((v) => v.version).join(", ")})`;
  return `no repository has ${rel.name}`;
}

/**
 * Each package after what it depends on (depth-first post-order over the
 * dependency edges inside `set`); cycles, which Debian has, are broken where
 * they are met.
 */
export function dependencyOrder(records: PackageRecord[], set: ReadonlyMap<string, PackageRecord>): PackageRecord[] {
  const out: PackageRecord[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: PackageRecord) => {
    if (state.has(p.name)) return;
    state.set(p.name, "visiting");
    for (const clause of requirements(p)) {
      for (const rel of clause) {
        const dep = [...set.values()].find((q) => q.name !== p.name && satisfiesRelation(q, rel));
        if (dep) {
          visit(dep);
          break;
        }
      }
    }
    state.set(p.name, "done");
    out.push(p);
  };
  for (const r of records) visit(r);
  return out;
}

export interface RemovePlan {
  /** Dependents before their dependencies. */
  remove: Array<{ record: PackageRecord; reason: string }>;
}

export interface RemoveOptions {
  /** Also remove installed packages that depend on what is removed. */
  cascade: boolean;
  /** Also remove packages installed as dependencies that nothing kept needs. */
  autoremove: boolean;
}

/**
 * The remove plan: the packages asked for, those that would be left with an
 * unmet dependency (refused unless cascade), those nothing kept needs (with
 * autoremove), dependents first.
 */
export function resolveRemove(names: readonly string[], present: ReadonlyMap<string, Present>, opts: RemoveOptions): RemovePlan {
  const reasons = readRemovals(names, present);
  addDependents(reasons, present, opts.cascade);
  if (opts.autoremove) addUnneeded(reasons, present);
  const set = new Map([...reasons.keys()].map((n) => [n, present.get(n)!.record]));
  const order = dependencyOrder([...set.values()], set).reverse();
  return { remove: order.map((record) => ({ record, reason: reasons.get(record.name)! })) };
}

/** Each name asked for, refused unless it is installed (the base image's packages stay). */
function readRemovals(names: readonly string[], present: ReadonlyMap<string, Present>): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const name of names) {
    const p = present.get(name);
    if (!p) throw new PkgNotInstalledError(name, "is not installed");
    if (p.origin === "base") throw new PkgNotInstalledError(name, "is part of the base image and cannot be removed");
    reasons.set(name, "requested");
  }
  return reasons;
}

const remaining = (reasons: Map<string, string>, present: ReadonlyMap<string, Present>) => [...present.values()].filter((p) => !reasons.has(p.record.name));

/** Until nothing changes: each kept package left with an unmet dependency is removed too (cascade) or refuses the plan. */
function addDependents(reasons: Map<string, string>, present: ReadonlyMap<string, Present>, cascade: boolean): void {
  const all = [...present.values()].map((p) => p.record);
  const holds = (clause: Relation[], recs: PackageRecord[]) => clause.some((rel) => recs.some((q) => satisfiesRelation(q, rel)));
  // Only what held before counts: the base image's own dependencies were never resolved here.
  const unmet = (p: Present, keep: PackageRecord[]) => requirements(p.record).find((clause) => holds(clause, all) && !holds(clause, keep));

  for (let changed = true; changed; ) {
    changed = false;
    const keep = remaining(reasons, present);
    const keepRecs = keep.map((p) => p.record);
    for (const p of keep) {
      const clause = unmet(p, keepRecs);
      if (!clause) continue;
      const needs = clause.map((rel) => [...reasons.keys()].find((n) => satisfiesRelation(present.get(n)!.record, rel))).find(Boolean);
      if (!cascade || p.origin === "base") {
        throw new PkgNeededError(`${needs ?? formatAlternatives(clause)} is needed by ${p.origin === "base" ? "the base image's" : "installed"} ${p.record.name} ${p.record.version} (depends on ${formatAlternatives(clause)}); remove ${p.record.name} too, or pass cascade`);
      }
      reasons.set(p.record.name, `depends on ${formatAlternatives(clause)}, which is removed`);
      changed = true;
    }
  }
}

/** Packages installed as dependencies that no kept package (the base image's, or one asked for) needs any more. */
function addUnneeded(reasons: Map<string, string>, present: ReadonlyMap<string, Present>): void {
  const keep = remaining(reasons, present);
  const keepRecs = keep.map((p) => p.record);
  const needed = new Set<string>();
  const mark = (p: PackageRecord) => {
    if (needed.has(p.name)) return;
    needed.add(p.name);
    for (const clause of requirements(p)) for (const rel of clause) for (const q of keepRecs) if (satisfiesRelation(q, rel)) mark(q);
  };
  for (const p of keep) if (p.origin === "base" || !p.auto) mark(p.record);
  for (const p of keep) if (p.origin === "installed" && p.auto && !needed.has(p.record.name)) reasons.set(p.record.name, "installed as a dependency and no longer needed");
}
