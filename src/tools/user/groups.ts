/**
 * user.add_to_group / user.remove_from_group: a user's membership of a
 * supplementary group, as `usermod -aG` and `gpasswd -d` change it: the
 * group's member list in /etc/group, and in /etc/gshadow when that file has
 * the group (so the two never disagree). Both the user and the group must
 * exist: a group is never created on the way (that is a change of its own).
 * Undo puts back exactly the lines the call changed.
 */
import * as v from "valibot";
import { defineTool, type ToolContext } from "../define";
import { accountName, type LinesUndo, requireGroup, requireUser, revertLines, UserError } from "./common";
import { EditList, Tables, withMembers } from "./tables";

const input = v.strictObject({ user: accountName, group: accountName });

const output = v.object({
  user: v.string(),
  group: v.string(),
  gid: v.number(),
  /** False when the membership was already as asked (nothing was written). */
  changed: v.boolean(),
  /** The group's supplementary members after the call. */
  members: v.array(v.string()),
  /** The group is the user's primary group (from /etc/passwd). */
  primary: v.boolean(),
});

type Args = v.InferOutput<typeof input>;
type Out = v.InferOutput<typeof output>;

/** Changes one membership; no undo record when nothing changed (there is nothing to take back). */
function membership(tool: string, join: boolean) {
  return (args: Args, ctx: ToolContext): Out => {
    const t = new Tables(ctx.env.root);
    const user = requireUser(t, tool, args.user);
    const group = requireGroup(t, tool, args.group);
    const primary = user.gid === group.gid;
    if (!join && primary && !group.members.includes(args.user)) {
      throw new UserError("primary_group", tool, args.user, `${args.group} (gid ${group.gid}) is the user's primary group; change the primary group instead`);
    }
    // The primary group already holds the user: listing it there too would change nothing a process sees.
    const has = group.members.includes(args.user) || (join && primary);
    const change = (m: string[]) => (join ? (m.includes(args.user) ? m : [...m, args.user]) : m.filter((x) => x !== args.user));
    const members = change(group.members);
    if (has === join) return { user: args.user, group: args.group, gid: group.gid, changed: false, members, primary };
    const edits = new EditList(t);
    edits.change("group", args.group, (l) => withMembers(l, change));
    if (t.exists("gshadow")) edits.change("gshadow", args.group, (l) => withMembers(l, change));
    ctx.saveUndo({ edits: edits.edits } satisfies LinesUndo);
    t.apply(edits.edits);
    return { user: args.user, group: args.group, gid: group.gid, changed: true, members, primary };
  };
}

/** What the two share: {user, group} in, the same output, an exact undo of the lines. */
const shared = { input, output, readOnly: false, idempotent: true, reversible: true, timeoutMs: 10_000, undo: revertLines } as const;

export const userAddToGroup = defineTool({
  ...shared,
  name: "user.add_to_group",
  description:
    "Add a user to an existing supplementary group (sudo, adm, wheel, docker...): its member list in /etc/group and /etc/gshadow. " +
    "Refuses an unknown user or group (groups are not created on the way). Membership of sudo or wheel grants root. Undo takes the line back exactly.",
  // It can hand out root (sudo, wheel): as weighty as creating an account.
  risk: "high",
  execute: membership("user.add_to_group", true),
  summarize: (o) =>
    o.changed ? `${o.user} is now a member of ${o.group} (gid ${o.gid})` : `${o.user} was already a member of ${o.group}${o.primary ? " (its primary group)" : ""}; nothing changed`,
});

export const userRemoveFromGroup = defineTool({
  ...shared,
  name: "user.remove_from_group",
  description:
    "Take a user out of a supplementary group's member list in /etc/group and /etc/gshadow. Refuses an unknown user or group, and the user's primary group. Undo puts the membership back.",
  risk: "medium",
  execute: membership("user.remove_from_group", false),
  summarize: (o) => (o.changed ? `${o.user} is no longer a member of ${o.group}` : `${o.user} was not a member of ${o.group}; nothing changed`),
});
