/**
 * /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow under a root, edited
 * as lists of lines. Every change is a LineEdit (a line added, removed or
 * replaced at an index), so a call's undo reverts exactly its own lines and
 * leaves alone what others changed since. Files are replaced durably in one
 * rename (src/sys/durable.ts), keeping their mode and owner; shadow files are
 * only touched when they exist. This is the one editor of these files: the
 * user.* tools and the package manager's accounts (pkg/accounts.ts) both
 * go through it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { mkdirDurable, writeFileDurable } from "../../sys";

export const TABLES = ["passwd", "group", "shadow", "gshadow"] as const;
export type TableName = (typeof TABLES)[number];

export interface LineEdit {
  file: TableName;
  /** Where the line is (or goes, for an added one). */
  index: number;
  /** The line before the change; null: the change added it. */
  before: string | null;
  /** The line after the change; null: the change removed it. */
  after: string | null;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
  index: number;
  line: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
  index: number;
  line: string;
}

const DEFAULT_MODES: Record<TableName, number> = { passwd: 0o644, group: 0o644, shadow: 0o640, gshadow: 0o640 };

export class Tables {
  constructor(private readonly root: string) {}

  path(file: TableName): string {
    return join(this.root, "etc", file);
  }

  exists(file: TableName): boolean {
    return existsSync(this.path(file));
  }

  lines(file: TableName): string[] {
    const p = this.path(file);
    return existsSync(p) ? readFileSync(p, "utf8").split("\n").filter((l) => l.length > 0) : [];
  }

  users(): PasswdEntry[] {
    return this.lines("passwd").map((line, index) => {
      const f = line.split(":");
      return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), gecos: f[4] ?? "", home: f[5] ?? "", shell: f[6] ?? "", index, line };
    });
  }

  groups(): GroupEntry[] {
    return this.lines("group").map((line, index) => {
      const f = line.split(":");
      return { name: f[0]!, gid: Number(f[2]), members: (f[3] ?? "").split(",").filter(Boolean), index, line };
    });
  }

  /** uid → account name (the first line wins when two share a uid, as getpwuid does). */
  namesByUid(): Map<number, string> {
    const out = new Map<number, string>();
    for (const u of this.users()) if (!out.has(u.uid)) out.set(u.uid, u.name);
    return out;
  }

  user(name: string): PasswdEntry | undefined {
    return this.users().find((u) => u.name === name);
  }

  group(name: string): GroupEntry | undefined {
    return this.groups().find((g) => g.name === name);
  }

  /** The line of `name` in a file and its index, if there is one. */
  find(file: TableName, name: string): { index: number; line: string } | undefined {
    const lines = this.lines(file);
    const index = lines.findIndex((l) => l.startsWith(`${name}:`));
    return index < 0 ? undefined : { index, line: lines[index]! };
  }

  /** Applies edits in order (each file written once). */
  apply(edits: readonly LineEdit[]): void {
    this.write(edits, (lines, e) => applyEdit(lines, e));
  }

  /** Takes back edits, newest first; a line someone changed since is left as they made it. */
  revert(edits: readonly LineEdit[]): void {
    this.write([...edits].reverse(), (lines, e) => applyEdit(lines, { file: e.file, index: e.index, before: e.after, after: e.before }));
  }

  private write(edits: readonly LineEdit[], step: (lines: string[], e: LineEdit) => void): void {
    const files = new Map<TableName, string[]>();
    for (const e of edits) {
      if (!files.has(e.file)) files.set(e.file, this.lines(e.file));
      step(files.get(e.file)!, e);
    }
    for (const [file, lines] of files) {
      const p = this.path(file);
      const mode = existsSync(p) ? statSync(p).mode & 0o7777 : DEFAULT_MODES[file];
      mkdirDurable(dirname(p)); // a package's fresh target root may have no /etc yet
      writeFileDurable(p, lines.length ? `${lines.join("\n")}\n` : "", { mode });
    }
  }
}

/** One edit on a file's lines: find the `before` line (at its index if it is still there), then replace, drop or insert. */
function applyEdit(lines: string[], e: LineEdit): void {
  if (e.before === null) {
    if (e.after !== null) lines.splice(Math.min(e.index, lines.length), 0, e.after);
    return;
  }
  const at = lines[e.index] === e.before ? e.index : lines.indexOf(e.before);
  if (at < 0) return;
  if (e.after === null) lines.splice(at, 1);
  else lines[at] = e.after;
}

/**
 * Records edits against working copies of the files, so each edit's index
 * is where the line is at that point: reverting them newest first is exact.
 */
export class EditList {
  readonly edits: LineEdit[] = [];
  private readonly copies = new Map<TableName, string[]>();

  constructor(private readonly tables: Tables) {}

  private copy(file: TableName): string[] {
    if (!this.copies.has(file)) this.copies.set(file, this.tables.lines(file));
    return this.copies.get(file)!;
  }

  private push(e: LineEdit): void {
    applyEdit(this.copy(e.file), e);
    this.edits.push(e);
  }

  append(file: TableName, line: string): void {
    this.push({ file, index: this.copy(file).length, before: null, after: line });
  }

  /** Replaces (or with null removes) the line of `name`; false when it has none. */
  change(file: TableName, name: string, to: (line: string) => string | null): boolean {
    const lines = this.copy(file);
    const index = lines.findIndex((l) => l.startsWith(`${name}:`));
    if (index < 0) return false;
    const after = to(lines[index]!);
    if (after !== lines[index]) this.push({ file, index, before: lines[index]!, after });
    return true;
  }
}

/** The lowest id in [first, last] that none of `taken` has. */
export function freeId(taken: Iterable<number>, first: number, last: number): number | null {
  const used = new Set(taken);
  for (let id = first; id <= last; id++) if (!used.has(id)) return id;
  return null;
}

/** A group line with a member added or removed (fourth field; gshadow's too). */
export function withMembers(line: string, change: (members: string[]) => string[]): string {
  const f = line.split(":");
  while (f.length < 4) f.push("");
  f[3] = change(f[3]!.split(",").filter(Boolean)).join(",");
  return f.join(":");
}
