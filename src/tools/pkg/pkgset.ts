/**
 * A set of package records looked up by name and by what they provide: the
 * repositories' index (many versions per name) or what is present on the
 * system (the base image and installed packages, one version per name).
 */
import type { PackageRecord, Relation } from "./control";
import { compareVersions, satisfies } from "./version";

export class PackageSet {
  private readonly byName = new Map<string, PackageRecord[]>();
  private readonly byProvide = new Map<string, PackageRecord[]>();

  constructor(records: Iterable<PackageRecord> = []) {
    for (const r of records) this.add(r);
  }

  add(r: PackageRecord): void {
    const list = this.byName.get(r.name);
    if (list) {
      if (list.some((x) => x.version === r.version && x.architecture === r.architecture)) return;
      list.push(r);
      list.sort((a, b) => compareVersions(b.version, a.version));
    } else {
      this.byName.set(r.name, [r]);
    }
    for (const p of r.provides) {
      const prov = this.byProvide.get(p.name);
      if (prov) prov.push(r);
      else this.byProvide.set(p.name, [r]);
    }
  }

  /** Every version of a real package, highest first. */
  versions(name: string): readonly PackageRecord[] {
    return this.byName.get(name) ?? [];
  }

  /** The highest version, or a given one. */
  get(name: string, version?: string): PackageRecord | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    return version === undefined ? list[0] : list.find((r) => r.version === version || compareVersions(r.version, version) === 0);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Packages that list `name` in Provides. */
  providers(name: string): readonly PackageRecord[] {
    return this.byProvide.get(name) ?? [];
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  *all(): IterableIterator<PackageRecord> {
    for (const list of this.byName.values()) yield* list;
  }

  /** Latest version of each name. */
  *latest(): IterableIterator<PackageRecord> {
    for (const list of this.byName.values()) if (list[0]) yield list[0];
  }

  get size(): number {
    return this.byName.size;
  }
}

/**
 * Whether record `p` satisfies relation `rel`: by its own name and version, or
 * by a Provides entry. An unversioned Provides only satisfies an unversioned
 * relation (Debian policy 7.5).
 */
export function satisfiesRelation(p: PackageRecord, rel: Relation): boolean {
  if (p.name === rel.name && (!rel.op || satisfies(p.version, rel.op, rel.version!))) return true;
  for (const prov of p.provides) {
    if (prov.name !== rel.name) continue;
    if (!rel.op) return true;
    if (prov.op === "=" && prov.version && satisfies(prov.version, rel.op, rel.version!)) return true;
  }
  return false;
}
