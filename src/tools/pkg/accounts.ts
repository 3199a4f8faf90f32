/**
 * System users and groups in the target's /etc/passwd and /etc/group (and
 * /etc/shadow, /etc/gshadow when they exist), added for packages whose
 * maintainer scripts would have made them. Names Debian's base-passwd fixes
 * (www-data is 33, adm is 4...) get those ids, so a file owned by www-data
 * means the same on every Debian-like system; other system accounts take the
 * lowest free id in 100-999 as adduser does. The files are read and
 * replaced (durably) by user/tables.ts, the one editor of them.
 */
import { EditList, freeId, type TableName, Tables } from "../user/tables";
import type { AccountNeed } from "./scripts";

/** base-passwd 3.6.1 (Debian 12) passwd.master: name -> [uid, gid, gecos, home, shell]. */
const BASE_USERS: Record<string, [number, number, string, string, string]> = {
  daemon: [1, 1, "daemon", "/usr/sbin", "/usr/sbin/nologin"],
  bin: [2, 2, "bin", "/bin", "/usr/sbin/nologin"],
  sys: [3, 3, "sys", "/dev", "/usr/sbin/nologin"],
  sync: [4, 65534, "sync", "/bin", "/bin/sync"],
  games: [5, 60, "games", "/usr/games", "/usr/sbin/nologin"],
  man: [6, 12, "man", "/var/cache/man", "/usr/sbin/nologin"],
  lp: [7, 7, "lp", "/var/spool/lpd", "/usr/sbin/nologin"],
  mail: [8, 8, "mail", "/var/mail", "/usr/sbin/nologin"],
  news: [9, 9, "news", "/var/spool/news", "/usr/sbin/nologin"],
  uucp: [10, 10, "uucp", "/var/spool/uucp", "/usr/sbin/nologin"],
  proxy: [13, 13, "proxy", "/bin", "/usr/sbin/nologin"],
  "www-data": [33, 33, "www-data", "/var/www", "/usr/sbin/nologin"],
  backup: [34, 34, "backup", "/var/backups", "/usr/sbin/nologin"],
  list: [38, 38, "Mailing List Manager", "/var/list", "/usr/sbin/nologin"],
  irc: [39, 39, "ircd", "/run/ircd", "/usr/sbin/nologin"],
  _apt: [42, 65534, "", "/nonexistent", "/usr/sbin/nologin"],
  nobody: [65534, 65534, "nobody", "/nonexistent", "/usr/sbin/nologin"],
};

/** base-passwd group.master: name -> gid. */
const BASE_GROUPS: Record<string, number> = {
  root: 0, daemon: 1, bin: 2, sys: 3, adm: 4, tty: 5, disk: 6, lp: 7, mail: 8, news: 9, uucp: 10, man: 12, proxy: 13,
  kmem: 15, dialout: 20, fax: 21, voice: 22, cdrom: 24, floppy: 25, tape: 26, sudo: 27, audio: 29, dip: 30,
  "www-data": 33, backup: 34, operator: 37, list: 38, irc: 39, src: 40, shadow: 42, utmp: 43, video: 44, sasl: 45,
  plugdev: 46, staff: 50, games: 60, users: 100, nogroup: 65534,
};

const FIRST_SYSTEM_ID = 100;
const LAST_SYSTEM_ID = 999;

export interface Account {
  kind: "user" | "group";
  name: string;
  id: number;
  /** The line in /etc/passwd or /etc/group. */
  line: string;
  /** True when this call added it. */
  created: boolean;
}

export class AccountDb {
  private readonly tables: Tables;

  constructor(root: string) {
    this.tables = new Tables(root);
  }

  lookup(kind: "user" | "group", name: string): { id: number; line: string } | null {
    const found = this.tables.find(kind === "user" ? "passwd" : "group", name);
    return found ? { id: Number(found.line.split(":")[2]), line: found.line } : null;
  }

  uid(name: string): number | null {
    return this.lookup("user", name)?.id ?? null;
  }

  gid(name: string): number | null {
    return this.lookup("group", name)?.id ?? null;
  }

  /**
   * Makes sure each needed account exists; returns one Account per need, with
   * `created` for those this added. Groups first, so a user's primary group
   * has its id.
   */
  ensure(needs: readonly AccountNeed[]): Account[] {
    const out: Account[] = [];
    const groups = needs.filter((n) => n.kind === "group");
    const users = needs.filter((n) => n.kind === "user");
    // A user needs its primary group (base-passwd's, or the one the script named).
    for (const u of users) {
      const base = BASE_USERS[u.name];
      const gname = u.group ?? (base ? Object.entries(BASE_GROUPS).find(([, id]) => id === base[1])?.[0] : undefined);
      if (gname && !groups.some((g) => g.name === gname)) groups.push({ kind: "group", name: gname, why: u.why });
    }
    for (const g of groups) out.push(this.ensureGroup(g.name));
    for (const u of users) out.push(this.ensureUser(u));
    return out;
  }

  private ensureGroup(name: string): Account {
    const have = this.lookup("group", name);
    if (have) return { kind: "group", name, id: have.id, line: have.line, created: false };
    const id = BASE_GROUPS[name] ?? this.freeId(this.tables.groups().map((g) => g.gid));
    const line = `${name}:x:${id}:`;
    this.append("group", line);
    if (this.tables.exists("gshadow")) this.append("gshadow", `${name}:!::`);
    return { kind: "group", name, id, line, created: true };
  }

  private ensureUser(need: AccountNeed): Account {
    const have = this.lookup("user", need.name);
    if (have) return { kind: "user", name: need.name, id: have.id, line: have.line, created: false };
    const base = BASE_USERS[need.name];
    let line: string;
    let id: number;
    if (base) {
      id = base[0];
      line = `${need.name}:x:${base[0]}:${base[1]}:${base[2]}:${base[3]}:${base[4]}`;
    } else {
      id = this.freeId(this.tables.users().map((u) => u.uid));
      const gid = need.group ? (this.gid(need.group) ?? BASE_GROUPS.nogroup!) : BASE_GROUPS.nogroup!;
      line = `${need.name}:x:${id}:${gid}::${need.home ?? "/nonexistent"}:${need.shell ?? "/usr/sbin/nologin"}`;
    }
    this.append("passwd", line);
    if (this.tables.exists("shadow")) this.append("shadow", `${need.name}:!:${Math.floor(Date.now() / 86_400_000)}::::::`);
    return { kind: "user", name: need.name, id, line, created: true };
  }

  /** One line at the end of one file, which is replaced durably before the next file is touched. */
  private append(file: TableName, line: string): void {
    const edits = new EditList(this.tables);
    edits.append(file, line);
    this.tables.apply(edits.edits);
  }

  private freeId(taken: number[]): number {
    const id = freeId(taken, FIRST_SYSTEM_ID, LAST_SYSTEM_ID);
    if (id === null) throw new Error(`no free system id in ${FIRST_SYSTEM_ID}-${LAST_SYSTEM_ID}`);
    return id;
  }

  /** Takes an account out of passwd/shadow or group/gshadow (every line of that name). */
  remove(kind: "user" | "group", name: string): boolean {
    const files: TableName[] = kind === "user" ? ["passwd", "shadow"] : ["group", "gshadow"];
    let removed = false;
    for (const f of files) {
      if (!this.tables.exists(f)) continue;
      const edits = new EditList(this.tables);
      while (edits.change(f, name, () => null));
      if (edits.edits.length === 0) continue;
      this.tables.apply(edits.edits);
      if (f === files[0]) removed = true;
    }
    return removed;
  }
}
