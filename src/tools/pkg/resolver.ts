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

export function resolveInstall(requests: readonly InstallRequest[], input: ResolveInput): InstallPlan {
  const archOk = (r: PackageRecord) => r.architecture === input.architecture || r.architecture === "all";
  const presentSet = new PackageSet([...input.present.values()].map((p) => p.record));
  const already: InstallPlan["already"] = [];
  const roots: Pending[] = [];
  const requested = new Set<string>();

  for (const req of requests) {
    const here = input.present.get(req.name);
    if (here) {
      if (req.version === undefined || compareVersions(here.record.version, req.version) === 0) {
        already.push({ name: req.name, version: here.record.version, origin: here.origin });
        continue;
      }
      const where = here.origin === "base" ? "provided by the base image" : "installed";
      throw new PkgResolveError("not_installable", req.name, `${req.name}=${req.version}: ${where} at ${here.record.version}; upgrades and downgrades are not supported (remove it first)`);
    }
    const real = input.available.versions(req.name).filter(archOk);
    if (real.length === 0) {
      const providers = input.available.providers(req.name).filter(archOk);
      const presentProvider = presentSet.providers(req.name)[0];
      if (presentProvider && req.version === undefined) {
        already.push({ name: presentProvider.name, version: presentProvider.version, origin: input.present.get(presentProvider.name)!.origin });
        continue;
      }
      const names = [...new Set(providers.map((p) => p.name))].sort();
      if (names.length > 1) throw new PkgResolveError("not_installable", req.name, `${req.name} is a virtual package provided by ${names.join(", ")}: name one of them`);
      if (names.length === 0 || req.version !== undefined) throw new PkgNotFoundError(req.name);
      requested.add(names[0]!);
      roots.push({ owner: null, clause: [{ name: names[0]! }] });
      continue;
    }
    if (req.version !== undefined && !real.some((r) => compareVersions(r.version, req.version!) === 0)) {
      throw new PkgNotFoundError(req.name, `version ${req.version} is not available (available: ${real.map((r) => r.version).join(", ")})`);
    }
    requested.add(req.name);
    roots.push({ owner: null, clause: [req.version === undefined ? { name: req.name } : { name: req.name, op: "=", version: req.version }] });
  }

  let steps = 0;
  const satisfiedBy = (rel: Relation, chosen: Map<string, PackageRecord>): PackageRecord | undefined => {
    for (const p of [presentSet.get(rel.name), chosen.get(rel.name)]) if (p && satisfiesRelation(p, rel)) return p;
    for (const p of presentSet.providers(rel.name)) if (satisfiesRelation(p, rel)) return p;
    for (const p of chosen.values()) if (p.provides.some((x) => x.name === rel.name) && satisfiesRelation(p, rel)) return p;
    return undefined;
  };

  const candidates = (clause: Relation[]): PackageRecord[] => {
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
      for (const r of input.available.versions(rel.name)) if (archOk(r) && satisfiesRelation(r, rel)) push(r);
      const provs = input.available.providers(rel.name).filter((r) => archOk(r) && satisfiesRelation(r, rel));
      provs.sort((a, b) => a.name.localeCompare(b.name) || compareVersions(b.version, a.version));
      for (const r of provs) push(r);
    }
    return out;
  };

  const conflictsOf = (p: PackageRecord) => [...p.conflicts, ...p.breaks];
  const hits = (rels: Relation[], target: PackageRecord, self: PackageRecord) =>
    target.name !== self.name ? rels.find((rel) => satisfiesRelation(target, rel)) : undefined;

  /** Why `cand` cannot join: another version present or chosen, or a conflict either way. */
  const blocked = (cand: PackageRecord, chosen: Map<string, PackageRecord>): string | null => {
    const here = input.present.get(cand.name);
    if (here && here.record.version !== cand.version) {
      return `cannot replace ${here.origin === "base" ? "the base image's" : "installed"} ${here.record.version} (upgrades are not supported)`;
    }
    const other = chosen.get(cand.name);
    if (other && other.version !== cand.version) return `version ${other.version} is already chosen`;
    for (const q of [...presentSet.all(), ...chosen.values()]) {
      const mine = hits(conflictsOf(cand), q, cand);
      if (mine) return `conflicts with ${input.present.has(q.name) ? "installed " : ""}${q.name} ${q.version} (${formatRelation(mine)})`;
      const theirs = hits(conflictsOf(q), cand, q);
      if (theirs) return `${input.present.has(q.name) ? "installed " : ""}${q.name} ${q.version} conflicts with it (${formatRelation(theirs)})`;
    }
    return null;
  };

  const describeMissing = (rel: Relation, chosen: Map<string, PackageRecord>): string => {
    const here = input.present.get(rel.name) ?? (chosen.has(rel.name) ? { record: chosen.get(rel.name)!, origin: "chosen" } : undefined);
    if (here) return `${rel.name} ${here.record.version} is ${here.origin === "base" ? "provided by the base image" : here.origin} and does not satisfy ${formatRelation(rel)} (upgrades are not supported)`;
    const versions = input.available.versions(rel.name).filter(archOk);
    if (versions.length) return `no available version of ${rel.name} satisfies ${formatRelation(rel)} (available: ${versions.map((v) => v.version).join(", ")})`;
    return `no repository has ${rel.name}`;
  };

  const solve = (chosen: Map<string, PackageRecord>, reasons: Map<string, string>, agenda: Pending[]): { ok: true; chosen: Map<string, PackageRecord>; reasons: Map<string, string> } | { ok: false; error: string; conflict: boolean } => {
    for (let i = 0; i < agenda.length; i++) {
      const item = agenda[i]!;
      if (item.clause.some((rel) => satisfiedBy(rel, chosen))) continue;
      const rest = agenda.slice(i + 1);
      const why: string[] = [];
      let allConflicts = true;
      const cands = candidates(item.clause);
      for (const cand of cands) {
        if (++steps > MAX_STEPS) throw new SearchLimit();
        const block = blocked(cand, chosen);
        if (block) {
          why.push(`${cand.name} ${cand.version} ${block}`);
          continue;
        }
        const next = new Map(chosen).set(cand.name, cand);
        const nextReasons = new Map(reasons).set(cand.name, item.owner ? `${item.owner.name} depends on ${formatAlternatives(item.clause)}` : "requested");
        const r = solve(next, nextReasons, [...requirements(cand).map((clause) => ({ owner: cand, clause })), ...rest]);
        if (r.ok) return r;
        if (!r.conflict) allConflicts = false;
        why.push(`${cand.name} ${cand.version}: ${r.error}`);
      }
      if (cands.length === 0) {
        allConflicts = false;
        why.push(...item.clause.map((rel) => describeMissing(rel, chosen)));
      }
      const head = item.owner ? `${item.owner.name} ${item.owner.version} depends on ${formatAlternatives(item.clause)}` : `cannot install ${formatAlternatives(item.clause)}`;
      return { ok: false, error: `${head}: ${why.join("; ")}`, conflict: allConflicts && cands.length > 0 };
    }
    return { ok: true, chosen, reasons };
  };

  let result;
  try {
    result = solve(new Map(), new Map(), roots);
  } catch (err) {
    if (err instanceof SearchLimit) throw new PkgResolveError("unmet_dependency", [...requested].join(", "), `${[...requested].join(", ")}: dependency search gave up after ${MAX_STEPS} steps`);
    throw err;
  }
  if (!result.ok) {
    throw new PkgResolveError(result.conflict ? "conflict" : "unmet_dependency", [...requested].join(", "), shorten(result.error));
  }
  const order = dependencyOrder([...result.chosen.values()], result.chosen);
  return {
    install: order.map((record) => ({ record, auto: !requested.has(record.name), reason: result.reasons.get(record.name) ?? "requested" })),
    already,
  };
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

export function resolveRemove(names: readonly string[], present: ReadonlyMap<string, Present>, opts: RemoveOptions): RemovePlan {
  const reasons = new Map<string, string>();
  for (const name of names) {
    const p = present.get(name);
    if (!p) throw new PkgNotInstalledError(name, "is not installed");
    if (p.origin === "base") throw new PkgNotInstalledError(name, "is part of the base image and cannot be removed");
    reasons.set(name, "requested");
  }
  const remaining = () => [...present.values()].filter((p) => !reasons.has(p.record.name));
  const all = [...present.values()].map((p) => p.record);
  const holds = (clause: Relation[], recs: PackageRecord[]) => clause.some((rel) => recs.some((q) => satisfiesRelation(q, rel)));
  // Only what held before counts: the base image's own dependencies were never resolved here.
  const unmet = (p: Present, keep: PackageRecord[]) => requirements(p.record).find((clause) => holds(clause, all) && !holds(clause, keep));

  for (let changed = true; changed; ) {
    changed = false;
    const keep = remaining();
    const keepRecs = keep.map((p) => p.record);
    for (const p of keep) {
      const clause = unmet(p, keepRecs);
      if (!clause) continue;
      const needs = clause.map((rel) => [...reasons.keys()].find((n) => satisfiesRelation(present.get(n)!.record, rel))).find(Boolean);
      if (!opts.cascade || p.origin === "base") {
        throw new PkgNeededError(`${needs ?? formatAlternatives(clause)} is needed by ${p.origin === "base" ? "the base image's" : "installed"} ${p.record.name} ${p.record.version} (depends on ${formatAlternatives(clause)}); remove ${p.record.name} too, or pass cascade`);
      }
      reasons.set(p.record.name, `depends on ${formatAlternatives(clause)}, which is removed`);
      changed = true;
    }
  }

  if (opts.autoremove) {
    const keep = remaining();
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

  const set = new Map([...reasons.keys()].map((n) => [n, present.get(n)!.record]));
  const order = dependencyOrder([...set.values()], set).reverse();
  return { remove: order.map((record) => ({ record, reason: reasons.get(record.name)! })) };
}
