/**
 * user.delete: takes an account out of /etc/passwd and /etc/shadow, out of
 * every group's member list, and removes its private group when nothing else
 * uses it; with removeHome its home directory goes too (moved aside into the
 * call's undo directory, so undo can put it back). root is never deleted;
 * system accounts (uid below 1000) only with system: true.
 */
import { existsSync, lstatSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { removeDurable } from "../../sys";
import { resolvePath } from "../fs/paths";
import { undoDir, undoId } from "../fs/common";
import { listOf } from "../summary";
import { defineTool, type Inspection } from "../define";
import { accountName, isSystemUid, UserError } from "./common";
import { EditList, type LineEdit, Tables, withMembers } from "./tables";
import { moveTree } from "./tree";

const TOOL = "user.delete";

interface DeleteUndo {
  edits: LineEdit[];
  /** The home directory (guest path) and where it was moved; null when it stayed. */
  home: { path: string; kept: string } | null;
}

export const userDelete = defineTool({
  name: TOOL,
  description:
    "Delete a user account: its passwd and shadow lines, its membership of groups, its private group when no one else uses it, and with removeHome its home directory. " +
    "root is refused; system accounts (uid < 1000) need system: true. Undo puts back the lines and the home directory.",
  input: v.strictObject({
    name: accountName,
    removeHome: v.optional(v.boolean("must be true or false"), false),
    system: v.optional(v.boolean("must be true or false"), false),
  }),
  output: v.object({ name: v.string(), uid: v.number(), groupRemoved: v.nullable(v.string()), leftGroups: v.array(v.string()), homeRemoved: v.nullable(v.string()) }),
  risk: "high",
  readOnly: false,
  idempotent: false,
  reversible: true,
  timeoutMs: 120_000,
  execute(args, ctx) {
    const t = new Tables(ctx.env.root);
    const users = t.users();
    const user = users.find((u) => u.name === args.name);
    if (!user) throw new UserError("not_found", TOOL, args.name, "no such user");
    if (user.uid === 0) throw new UserError("refused", TOOL, args.name, "uid 0 is root; refusing");
    if (isSystemUid(user.uid) && !args.system) throw new UserError("refused", TOOL, args.name, `is a system account (uid ${user.uid}); set system to delete it`);

    const edits = new EditList(t);
    edits.change("passwd", args.name, () => null);
    if (t.exists("shadow")) edits.change("shadow", args.name, () => null);
    const drop = (m: string[]) => m.filter((x) => x !== args.name);
    const left = t.groups().filter((g) => g.members.includes(args.name)).map((g) => g.name);
    for (const g of left) {
      edits.change("group", g, (l) => withMembers(l, drop));
      if (t.exists("gshadow")) edits.change("gshadow", g, (l) => withMembers(l, drop));
    }
    const own = t.group(args.name);
    const privateGroup = own && own.gid === user.gid && drop(own.members).length === 0 && !users.some((u) => u.name !== args.name && u.gid === own.gid) ? own.name : null;
    if (privateGroup) {
      edits.change("group", privateGroup, () => null);
      if (t.exists("gshadow")) edits.change("gshadow", privateGroup, () => null);
    }

    let home: DeleteUndo["home"] = null;
    if (args.removeHome) {
      const parts = user.home.split("/").filter(Boolean);
      if (parts.length < 2 || parts.includes("..")) throw new UserError("refused", TOOL, args.name, `home ${user.home} is not a directory of its own (like /home/${args.name}); refusing to remove it`);
      const shared = users.find((u) => u.name !== args.name && u.home === user.home);
      if (shared) throw new UserError("refused", TOOL, args.name, `home ${user.home} is also ${shared.name}'s; refusing to remove it`);
      // Confined like any path argument: a passwd line may name a home anywhere (/, /etc, /var/lib/aios).
      const at = resolvePath(ctx.env, TOOL, user.home, { follow: false }).host;
      const st = existsSync(at) ? lstatSync(at) : null;
      if (st?.isDirectory()) home = { path: user.home, kept: join(undoDir(ctx.env, undoId(ctx.callId)), "home") };
    }
    ctx.saveUndo({ edits: edits.edits, home } satisfies DeleteUndo);
    t.apply(edits.edits);
    if (home) moveTree(resolvePath(ctx.env, TOOL, home.path, { follow: false }).host, home.kept);
    return { name: args.name, uid: user.uid, groupRemoved: privateGroup, leftGroups: left, homeRemoved: home?.path ?? null };
  },
  undo(rec: DeleteUndo, ctx) {
    const home = rec.home && existsSync(rec.home.kept) ? rec.home : null;
    const at = home && resolvePath(ctx.env, TOOL, home.path, { follow: false }).host;
    if (home && existsSync(at!)) throw new UserError("exists", TOOL, home.path, `something is there now; the old home stays in ${home.kept}`);
    new Tables(ctx.env.root).revert(rec.edits);
    if (home) {
      moveTree(home.kept, at!);
      removeDurable(dirname(home.kept));
    }
  },
  summarize: (o) =>
    `Deleted user ${o.name} (uid ${o.uid})${o.groupRemoved ? ` and its group ${o.groupRemoved}` : ""}${o.leftGroups.length ? `; it left ${listOf(o.leftGroups)}` : ""}` +
    (o.homeRemoved ? `; its home ${o.homeRemoved} was removed (kept aside so it can be undone)` : "; its home directory was kept"),
  inspect(args, _rec, ctx): Inspection {
    return new Tables(ctx.env.root).user(args.name) ? { effect: "absent", detail: `${args.name} is still in /etc/passwd` } : { effect: "present", detail: `no account ${args.name}` };
  },
});
