/**
 * user.create: a real account in /etc/passwd and /etc/group (and /etc/shadow,
 * /etc/gshadow when they exist) under the tools' root, as Debian's adduser
 * makes one: a private group of the same name (or an existing primary
 * group), the lowest free id of its range, a locked password, membership of
 * supplementary groups, and a home directory (0750, owned by the user when
 * aiOS runs as root). Setting a password is not offered: there is no crypt
 * in the image to hash one. Undo takes back exactly its lines and the home
 * directories it made.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync } from "node:fs";
import * as v from "valibot";
import { fsyncParent, fsyncPath } from "../../sys";
import { guestPath } from "../fs/common";
import { listOf } from "../summary";
import { normalizeGuest, resolvePath } from "../fs/paths";
import { missingParents } from "../fs/undo";
import { defineTool, type Inspection } from "../define";
import { accountName, SYSTEM_IDS, today, USER_IDS, UserError } from "./common";
import { EditList, freeId, type LineEdit, Tables, withMembers } from "./tables";

const HOME_MODE = 0o750;
const TOOL = "user.create";

interface CreateUndo {
  edits: LineEdit[];
  /** Guest directories this call made, outermost first; undo removes them with what is in them. */
  dirs: string[];
}

const field = (what: string) => v.check((s: string) => !/[:\n\r\0]/.test(s), `${what} must not contain ':' or a line break`);
/** A path written into /etc/passwd as it is: no `..`, `.` or doubled or trailing slashes to read two ways. */
const plain = v.check((s: string) => normalizeGuest(s) === s, "must be a plain absolute path (no .., no . or doubled or trailing /)");

export const userCreate = defineTool({
  name: TOOL,
  description:
    "Create a user account in /etc/passwd, /etc/group and /etc/shadow (when present): a private group of the same name unless group names an existing one, " +
    "the lowest free uid (1000-59999, or 100-999 with system), a locked password, supplementary groups, and a home directory (default /home/NAME, 0750; none for system accounts). Undo removes exactly what it added.",
  input: v.strictObject({
    name: accountName,
    uid: v.optional(v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(1, "must be at least 1 (0 is root)"), v.maxValue(65_533, "must be at most 65533"))),
    system: v.optional(v.boolean("must be true or false"), false),
    group: v.optional(accountName),
    groups: v.optional(v.pipe(v.array(accountName, "must be an array of group names"), v.maxLength(32, "must name at most 32 groups")), []),
    comment: v.optional(v.pipe(v.string("must be a string"), v.maxLength(256, "must be at most 256 characters"), field("comment"))),
    home: v.optional(v.pipe(guestPath, field("home"), plain)),
    shell: v.optional(v.pipe(guestPath, field("shell"), plain), "/bin/sh"),
    createHome: v.optional(v.boolean("must be true or false")),
  }),
  output: v.object({
    name: v.string(),
    uid: v.number(),
    gid: v.number(),
    group: v.string(),
    groups: v.array(v.string()),
    home: v.string(),
    shell: v.string(),
    homeCreated: v.boolean(),
    line: v.string(),
  }),
  risk: "high",
  readOnly: false,
  idempotent: false,
  reversible: true,
  timeoutMs: 10_000,
  execute(args, ctx) {
    const t = new Tables(ctx.env.root);
    const users = t.users();
    const groups = t.groups();
    const have = users.find((u) => u.name === args.name);
    if (have) throw new UserError("exists", TOOL, args.name, `already exists (uid ${have.uid})`);
    const range = args.system ? SYSTEM_IDS : USER_IDS;
    if (args.uid !== undefined && users.some((u) => u.uid === args.uid)) throw new UserError("id_taken", TOOL, args.name, `uid ${args.uid} belongs to ${users.find((u) => u.uid === args.uid)!.name}`);
    const uid = args.uid ?? freeId(users.map((u) => u.uid), range.first, range.last);
    if (uid === null) throw new UserError("no_id", TOOL, args.name, `no free uid in ${range.first}-${range.last}`);
    for (const g of args.groups) if (!groups.some((x) => x.name === g)) throw new UserError("no_group", TOOL, args.name, `supplementary group ${g} does not exist`);

    const edits = new EditList(t);
    let gid: number;
    let group: string;
    if (args.group !== undefined) {
      const primary = groups.find((g) => g.name === args.group);
      if (!primary) throw new UserError("no_group", TOOL, args.name, `primary group ${args.group} does not exist`);
      gid = primary.gid;
      group = primary.name;
    } else {
      if (groups.some((g) => g.name === args.name)) throw new UserError("exists", TOOL, args.name, `a group named ${args.name} exists; give group to make it the primary group`);
      const taken = groups.map((g) => g.gid);
      const sameAsUid = taken.includes(uid) ? null : uid;
      const free = sameAsUid ?? freeId(taken, range.first, range.last);
      if (free === null) throw new UserError("no_id", TOOL, args.name, `no free gid in ${range.first}-${range.last}`);
      gid = free;
      group = args.name;
      edits.append("group", `${args.name}:x:${gid}:`);
      if (t.exists("gshadow")) edits.append("gshadow", `${args.name}:!::`);
    }
    const home = args.home ?? (args.system ? "/nonexistent" : `/home/${args.name}`);
    const line = `${args.name}:x:${uid}:${gid}:${args.comment ?? ""}:${home}:${args.shell}`;
    edits.append("passwd", line);
    if (t.exists("shadow")) edits.append("shadow", `${args.name}:!:${today()}:0:99999:7:::`);
    const add = (m: string[]) => (m.includes(args.name) ? m : [...m, args.name]);
    for (const g of args.groups) {
      edits.change("group", g, (l) => withMembers(l, add));
      if (t.exists("gshadow")) edits.change("gshadow", g, (l) => withMembers(l, add));
    }

    const wantHome = args.createHome ?? !args.system;
    // The home passes the same confinement as fs.* (issue 11: "/../../../../somewhere" was made and chowned outside the sandbox).
    const dirs = wantHome && home !== "/nonexistent" ? missingDirs(ctx.env, home) : [];
    ctx.saveUndo({ edits: edits.edits, dirs } satisfies CreateUndo);
    t.apply(edits.edits);
    for (const d of dirs) {
      const h = resolvePath(ctx.env, TOOL, d).host;
      mkdirSync(h);
      fsyncParent(h);
    }
    if (dirs.length) {
      const h = resolvePath(ctx.env, TOOL, home).host;
      chmodSync(h, HOME_MODE);
      if (process.getuid?.() === 0) chownSync(h, uid, gid);
      fsyncPath(h);
    }
    return { name: args.name, uid, gid, group, groups: args.groups, home, shell: args.shell, homeCreated: dirs.includes(home), line };
  },
  undo(rec: CreateUndo, ctx) {
    const first = rec.dirs[0];
    if (first !== undefined) {
      const h = resolvePath(ctx.env, TOOL, first, { follow: false }).host;
      rmSync(h, { recursive: true, force: true });
      fsyncParent(h);
    }
    new Tables(ctx.env.root).revert(rec.edits);
  },
  summarize: (o) =>
    `Created user ${o.name} (uid ${o.uid}, group ${o.group}${o.groups.length ? `, also in ${listOf(o.groups)}` : ""}), home ${o.home}${o.homeCreated ? " (created)" : ""}, shell ${o.shell}; the password is locked until one is set`,
  inspect(args, rec, ctx): Inspection {
    const t = new Tables(ctx.env.root);
    const lines = (rec?.edits ?? []).filter((e) => e.after !== null);
    const there = lines.filter((e) => t.lines(e.file).includes(e.after!)).length;
    const user = t.user(args.name);
    if (!user && there === 0) return { effect: "absent", detail: `no account ${args.name}` };
    if (user && there === lines.length) return { effect: "present", detail: `${args.name} has uid ${user.uid}` };
    return { effect: "partial", detail: `${there} of its ${lines.length} lines are in the tables` };
  },
});

/** The directories from the first missing one down to `guest`, outermost first, each inside the roots and unprotected. */
function missingDirs(env: Parameters<typeof resolvePath>[0], guest: string): string[] {
  const r = resolvePath(env, TOOL, guest);
  if (lstatSync(r.host, { throwIfNoEntry: false })) return [];
  return [...missingParents(env, TOOL, guest, r), r.guest];
}
