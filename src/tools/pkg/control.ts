/**
 * Debian control data (deb822(5)): stanzas of `Field: value` lines with
 * continuation lines, as found in Packages indexes, Release files and a
 * package's own `control` file; and the relation fields (Depends, Provides,
 * Conflicts...) parsed into alternatives with version constraints.
 */
import { parseOp, type RelationOp } from "./version";

/** One stanza; field names as written, looked up case-insensitively with `field()`. */
export type Stanza = Map<string, string>;

/**
 * Splits deb822 text into stanzas. Field names are stored lower-cased
 * (deb822 names are case-insensitive); a continuation line keeps its text
 * after the first space, and " ." stands for an empty line, as in Description.
 */
export function parseStanzas(text: string): Stanza[] {
  const out: Stanza[] = [];
  let cur: Stanza | null = null;
  let last: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      if (cur && cur.size) out.push(cur);
      cur = null;
      last = null;
      continue;
    }
    if (line.startsWith("#")) continue;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!cur || last === null) throw new Error(`control data: continuation line without a field: ${line.slice(0, 60)}`);
      cur.set(last, `${cur.get(last)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`control data: not a field: ${line.slice(0, 60)}`);
    cur ??= new Map();
    last = line.slice(0, colon).trim().toLowerCase();
    cur.set(last, line.slice(colon + 1).trim());
  }
  if (cur && cur.size) out.push(cur);
  return out;
}

/** Calls `fn` with each stanza's text and its offset, without building maps: cheap over a 50 MB index. */
export function forEachStanzaText(text: string, fn: (stanza: string, offset: number) => void): void {
  let start = 0;
  const n = text.length;
  while (start < n) {
    while (start < n && (text[start] === "\n" || text[start] === "\r")) start++;
    if (start >= n) break;
    let end = text.indexOf("\n\n", start);
    if (end < 0) end = n;
    fn(text.slice(start, end), start);
    start = end + 2;
  }
}

/** Writes fields as one stanza, continuation lines indented. */
export function formatStanza(fields: Array<[string, string]>): string {
  return `${fields.map(([k, v]) => `${k}: ${v.replace(/\n/g, "\n ")}`).join("\n")}\n`;
}

export interface Relation {
  name: string;
  op?: RelationOp;
  version?: string;
  /** `:any`, `:native` or an architecture qualifier, kept for display. */
  archQualifier?: string;
}

/** A conjunction of alternatives: `a | b, c` is [[a, b], [c]]. */
export type Relations = Relation[][];

/**
 * Parses a relation field (`libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0`).
 * Architecture restrictions (`[amd64]`) and build profiles (`<!nocheck>`)
 * only occur in source packages; they are dropped.
 */
export function parseRelations(text: string | undefined, field = "relation"): Relations {
  if (!text || !text.trim()) return [];
  const groups: Relations = [];
  for (const group of text.replace(/\n/g, " ").split(",")) {
    if (!group.trim()) continue;
    const alts: Relation[] = [];
    for (const alt of group.split("|")) {
      const s = alt.replace(/\[[^\]]*\]/g, "").replace(/<[^>]*>/g, "").trim();
      const m = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*([<>=]+)\s*([^)\s]+)\s*\))?$/i.exec(s);
      if (!m) throw new Error(`${field}: cannot parse "${alt.trim()}"`);
      const rel: Relation = { name: m[1]!.toLowerCase() };
      if (m[2]) rel.archQualifier = m[2];
      if (m[3]) {
        const op = parseOp(m[3]);
        if (!op) throw new Error(`${field}: bad operator "${m[3]}" in "${alt.trim()}"`);
        rel.op = op;
        rel.version = m[4]!;
      }
      alts.push(rel);
    }
    groups.push(alts);
  }
  return groups;
}

export function formatRelation(r: Relation): string {
  return `${r.name}${r.archQualifier ? `:${r.archQualifier}` : ""}${r.op ? ` (${r.op} ${r.version})` : ""}`;
}

export function formatAlternatives(alts: Relation[]): string {
  return alts.map(formatRelation).join(" | ");
}

export function formatRelations(rels: Relations): string {
  return rels.map(formatAlternatives).join(", ");
}

/** What the package manager needs from one binary package stanza. */
export interface PackageRecord {
  name: string;
  version: string;
  architecture: string;
  /** Pre-Depends then Depends: both must hold before a package is usable, and nothing here runs scripts in between. */
  depends: Relations;
  preDepends: Relations;
  provides: Relation[];
  conflicts: Relation[];
  breaks: Relation[];
  replaces: Relation[];
  essential: boolean;
  multiArch: string;
  section: string;
  priority: string;
  source: string;
  /** The first line of Description. */
  summary: string;
  installedSize: number;
  /** Index only: where the .deb is, relative to the repository root, its size and digest. */
  filename: string;
  size: number;
  sha256: string;
}

/** Builds a record from a stanza; throws naming the package when a required field is missing or malformed. */
export function toRecord(st: Stanza): PackageRecord {
  const name = st.get("package");
  const version = st.get("version");
  if (!name) throw new Error("control data: stanza without Package");
  if (!version) throw new Error(`${name}: no Version`);
  const flat = (field: string) => parseRelations(st.get(field), `${name} ${field}`).flat();
  const desc = st.get("description") ?? "";
  const nl = desc.indexOf("\n");
  return {
    name: name.toLowerCase(),
    version,
    architecture: st.get("architecture") ?? "all",
    depends: parseRelations(st.get("depends"), `${name} Depends`),
    preDepends: parseRelations(st.get("pre-depends"), `${name} Pre-Depends`),
    provides: flat("provides"),
    conflicts: flat("conflicts"),
    breaks: flat("breaks"),
    replaces: flat("replaces"),
    essential: (st.get("essential") ?? "").toLowerCase() === "yes",
    multiArch: st.get("multi-arch") ?? "no",
    section: st.get("section") ?? "",
    priority: st.get("priority") ?? "",
    source: (st.get("source") ?? name).split(" ")[0]!,
    summary: nl >= 0 ? desc.slice(0, nl) : desc,
    installedSize: Number(st.get("installed-size") ?? 0) || 0,
    filename: st.get("filename") ?? "",
    size: Number(st.get("size") ?? 0) || 0,
    sha256: (st.get("sha256") ?? "").toLowerCase(),
  };
}

/**
 * A record of a repository index, kept lean: Debian main has some 63,000
 * stanzas, and the guest has a gigabyte. Only the fields the manager uses are
 * kept, and the relation fields are parsed the first time they are read.
 */
class IndexRecord implements PackageRecord {
  name = "";
  version = "";
  architecture = "all";
  essential = false;
  multiArch = "no";
  section = "";
  priority = "";
  source = "";
  summary = "";
  installedSize = 0;
  filename = "";
  size = 0;
  sha256 = "";
  provides: Relation[] = [];
  private raw: { depends?: string; "pre-depends"?: string; conflicts?: string; breaks?: string; replaces?: string } = {};
  private parsed = new Map<string, Relations>();

  set(field: string, value: string): void {
    switch (field) {
      case "package": this.name = value.toLowerCase(); break;
      case "version": this.version = value; break;
      case "architecture": this.architecture = value; break;
      case "essential": this.essential = value.toLowerCase() === "yes"; break;
      case "multi-arch": this.multiArch = value; break;
      case "section": this.section = value; break;
      case "priority": this.priority = value; break;
      case "source": this.source = value.split(" ")[0]!; break;
      case "description": this.summary = value; break;
      case "installed-size": this.installedSize = Number(value) || 0; break;
      case "filename": this.filename = value; break;
      case "size": this.size = Number(value) || 0; break;
      case "sha256": this.sha256 = value.toLowerCase(); break;
      case "provides": this.provides = parseRelations(value, `${this.name} Provides`).flat(); break;
      case "depends": case "pre-depends": case "conflicts": case "breaks": case "replaces": this.raw[field] = value; break;
    }
  }

  private rel(field: "depends" | "pre-depends" | "conflicts" | "breaks" | "replaces"): Relations {
    let r = this.parsed.get(field);
    if (!r) {
      r = parseRelations(this.raw[field], `${this.name} ${field}`);
      this.parsed.set(field, r);
    }
    return r;
  }

  get depends(): Relations { return this.rel("depends"); }
  get preDepends(): Relations { return this.rel("pre-depends"); }
  get conflicts(): Relation[] { return this.rel("conflicts").flat(); }
  get breaks(): Relation[] { return this.rel("breaks").flat(); }
  get replaces(): Relation[] { return this.rel("replaces").flat(); }
}

const RELATION_FIELDS = new Set(["provides", "depends", "pre-depends", "conflicts", "breaks", "replaces"]);
const INDEX_FIELDS = new Set(["package", "version", "architecture", "essential", "multi-arch", "section", "priority", "source", "description", "installed-size", "filename", "size", "sha256", "provides", "depends", "pre-depends", "conflicts", "breaks", "replaces"]);

/** A lean record from one stanza of a Packages index; null when it lacks Package or Version. */
export function indexRecord(stanza: string): PackageRecord | null {
  const r = new IndexRecord();
  let start = 0;
  let last = "";
  let value = "";
  while (start < stanza.length) {
    let end = stanza.indexOf("\n", start);
    if (end < 0) end = stanza.length;
    const c = stanza.charCodeAt(start);
    if (c === 32 || c === 9) {
      // Continuation: only relation fields need theirs (Description keeps its first line).
      if (RELATION_FIELDS.has(last)) r.set(last, (value = `${value} ${stanza.slice(start, end).trim()}`));
    } else if (c !== 35) {
      const colon = stanza.indexOf(":", start);
      last = "";
      if (colon > start && colon < end) {
        const field = stanza.slice(start, colon).toLowerCase();
        if (INDEX_FIELDS.has(field)) {
          last = field;
          value = stanza.slice(colon + 1, end).trim();
          r.set(field, value);
        }
      }
    }
    start = end + 1;
  }
  if (!r.source) r.source = r.name;
  return r.name && r.version ? r : null;
}

/** Every relation group a package needs satisfied: Pre-Depends first. */
export function requirements(p: PackageRecord): Relations {
  return [...p.preDepends, ...p.depends];
}
