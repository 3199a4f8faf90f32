/**
 * user.list: the accounts in /etc/passwd with their groups (/etc/group:
 * the primary by gid, the others by membership), home, shell and whether the
 * password is locked (a `!` before the hash, as passwd -l and user.lock write
 * it: in /etc/shadow, or in /etc/passwd on a system without shadow).
 */
import * as v from "valibot";
import { errorCode } from "../../sys";
import { defineTool } from "../define";
import { accountName, isSystemUid, UserError } from "./common";
import { Tables } from "./tables";

const SUMMARY_USERS = 8;

const account = v.object({
  name: v.string(),
  uid: v.number(),
  gid: v.number(),
  /** The primary group's name; null when no group has the gid. */
  group: v.nullable(v.string()),
  /** Supplementary groups (where the user is listed as a member), by name. */
  groups: v.array(v.string()),
  gecos: v.string(),
  home: v.string(),
  shell: v.string(),
  /** Password locked (a leading `!` in /etc/shadow, or in /etc/passwd where the hash lives there); null when unknown. */
  locked: v.nullable(v.boolean()),
  /** A service account (uid 1-999, or nobody): listed only with system: true. */
  system: v.boolean(),
});

/** What user.list shows by default: root and people's accounts (uid 1000 and up, nobody aside). */
function regular(uid: number): boolean {
  return uid === 0 || !isSystemUid(uid);
}

export const userList = defineTool({
  name: "user.list",
  description:
    "User accounts from /etc/passwd: name, uid, gid, primary and supplementary groups (from /etc/group), comment, home, shell and whether the password is locked (/etc/shadow). By default root and people's accounts (uid 1000 and up); system: true adds the service accounts; name: only that account (system or not), to see its groups; group: only the members of that group (system accounts too), by membership or as their primary group.",
  input: v.strictObject({ system: v.optional(v.boolean("must be true or false"), false), name: v.optional(accountName), group: v.optional(accountName) }),
  output: v.object({
    users: v.array(account),
    /** Accounts in /etc/passwd, system ones included. */
    total: v.number(),
    /** False when /etc/shadow is missing or unreadable: locked is then null unless passwd holds the hash. */
    shadowRead: v.boolean(),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const tables = new Tables(ctx.env.root);
    let users: ReturnType<Tables["users"]>;
    let groups: ReturnType<Tables["groups"]>;
    try {
      users = tables.users();
      groups = tables.groups();
    } catch (err) {
      throw new UserError(errorCode(err) ?? "failed", "user.list", "/etc/passwd", `cannot be read: ${errorCode(err) ?? String(err)}`, { cause: err });
    }
    let shadow: Map<string, string> | null = null;
    try {
      if (tables.exists("shadow")) shadow = new Map(tables.lines("shadow").map((l) => [l.slice(0, l.indexOf(":")), l.split(":")[1] ?? ""]));
    } catch {
      // unreadable shadow (not root): locked stays unknown
    }
    const groupOf = new Map(groups.map((g) => [g.gid, g.name]));
    // A group's members: those /etc/group lists, and those whose primary group it is (as getent and id see them).
    const wanted = args.group === undefined ? undefined : groups.find((g) => g.name === args.group);
    if (args.group !== undefined && !wanted) throw new UserError("unknown_group", "user.list", args.group, "no such group");
    const inGroup = (u: { name: string; gid: number }) => !wanted || wanted.gid === u.gid || wanted.members.includes(u.name);
    const rows = users
      .filter((u) => (args.name !== undefined ? u.name === args.name : args.group !== undefined || args.system || regular(u.uid)) && inGroup(u))
      .map((u) => {
        // As user.lock reads it: shadow's field when shadow has the user, else passwd's own (never the "x" placeholder).
        const inPasswd = u.line.split(":")[1] ?? "";
        const password = shadow?.get(u.name) ?? (inPasswd === "x" ? undefined : inPasswd);
        return {
          name: u.name,
          uid: u.uid,
          gid: u.gid,
          group: groupOf.get(u.gid) ?? null,
          groups: groups.filter((g) => g.members.includes(u.name) && g.gid !== u.gid).map((g) => g.name),
          gecos: u.gecos,
          home: u.home,
          shell: u.shell,
          locked: password === undefined ? null : password.startsWith("!"),
          system: !regular(u.uid),
        };
      });
    return { users: rows, total: users.length, shadowRead: shadow !== null };
  },
  summarize(out, args) {
    if (args.group !== undefined && args.name === undefined) {
      if (out.users.length === 0) return `No account is in group ${args.group}.`;
      const shown = out.users.slice(0, SUMMARY_USERS).map((u) => `${u.name} (uid ${u.uid}${u.group === args.group ? ", its primary group" : ""}${u.locked ? ", locked" : ""})`);
      const more = out.users.length - shown.length;
      return `${out.users.length} ${out.users.length === 1 ? "member" : "members"} of group ${args.group}${args.group === "sudo" ? " (may run commands as root)" : ""}: ${shown.join(", ")}${more > 0 ? `, and ${more} more` : ""}.`;
    }
    if (args.name !== undefined) {
      const u = out.users[0];
      if (!u) return `No account named ${args.name}.`;
      const groups = [u.group, ...u.groups].filter((g): g is string => g !== null);
      return `${u.name} (uid ${u.uid}${u.system ? ", a system account" : ""}${u.locked ? ", locked" : ""}) is in ${groups.length ? `${groups.length === 1 ? "group" : "groups"} ${groups.join(", ")}` : "no group"}${u.groups.includes("sudo") ? " (sudo: may run commands as root)" : ""}.`;
    }
    if (out.users.length === 0) return args.system ? "No accounts in /etc/passwd." : `No regular user accounts (${out.total} system accounts; system: true lists them).`;
    const shown = out.users.slice(0, SUMMARY_USERS).map((u) => {
      const groups = [u.group, ...u.groups].filter((g): g is string => g !== null);
      return `${u.name} (uid ${u.uid}${groups.length ? `, groups ${groups.join(", ")}` : ""}${u.locked ? ", locked" : ""})`;
    });
    const more = out.users.length - shown.length;
    const kind = args.system ? "accounts" : "user accounts";
    return `${out.users.length} ${kind}: ${shown.join(", ")}${more > 0 ? `, and ${more} more` : ""}`;
  },
});
