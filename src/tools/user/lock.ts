/**
 * user.lock / user.unlock: as `passwd -l` / `passwd -u`, a "!" in front of
 * the password hash in /etc/shadow (or in /etc/passwd's second field on a
 * system without shadow), so password logins fail while the hash is kept.
 * root is never locked (that can shut every person out). Unlocking an
 * account whose password is only "!" is refused: it would leave an empty
 * password, a login with none. Undo puts the line back exactly.
 */
import * as v from "valibot";
import { defineTool, type ToolContext } from "../define";
import { accountName, type LinesUndo, requireUser, revertLines, UserError } from "./common";
import { EditList, Tables } from "./tables";

const output = v.object({
  name: v.string(),
  uid: v.number(),
  /** Whether password logins are locked after the call. */
  locked: v.boolean(),
  /** False when it already was as asked (nothing was written). */
  changed: v.boolean(),
  /** The file that holds the password field. */
  file: v.picklist(["shadow", "passwd"]),
});

type Out = v.InferOutput<typeof output>;

/** Where the account's password field is: shadow when it has the user, else passwd's own (not the "x" placeholder). */
function passwordFile(t: Tables, tool: string, name: string): "shadow" | "passwd" {
  if (t.find("shadow", name)) return "shadow";
  const line = t.find("passwd", name)!.line;
  if (line.split(":")[1] === "x") throw new UserError("no_shadow_entry", tool, name, "its password is kept in /etc/shadow, which has no line for it");
  return "passwd";
}

function withPassword(line: string, change: (password: string) => string): string {
  const f = line.split(":");
  f[1] = change(f[1] ?? "");
  return f.join(":");
}

function setLocked(tool: string, lock: boolean) {
  return (args: { name: string }, ctx: ToolContext): Out => {
    const t = new Tables(ctx.env.root);
    const user = requireUser(t, tool, args.name);
    if (lock && user.uid === 0) throw new UserError("refused", tool, args.name, "uid 0 is root; locking it could leave no way to log in. Refusing");
    const file = passwordFile(t, tool, args.name);
    const password = t.find(file, args.name)!.line.split(":")[1] ?? "";
    const result = (locked: boolean, changed: boolean): Out => ({ name: args.name, uid: user.uid, locked, changed, file });
    if (password.startsWith("!") === lock) return result(lock, false);
    if (!lock && password === "!") throw new UserError("no_password", tool, args.name, "has no password; unlocking would allow a login without one. Set a password first");
    const edits = new EditList(t);
    edits.change(file, args.name, (l) => withPassword(l, (p) => (lock ? `!${p}` : p.slice(1))));
    ctx.saveUndo({ edits: edits.edits } satisfies LinesUndo);
    t.apply(edits.edits);
    return result(lock, true);
  };
}

const input = v.strictObject({ name: accountName });

/** What the two share: one account name in, the same output, an exact undo of the line. */
const shared = { input, output, risk: "medium", readOnly: false, idempotent: true, reversible: true, timeoutMs: 10_000, undo: revertLines } as const;

export const userLock = defineTool({
  ...shared,
  name: "user.lock",
  description:
    "Lock a user's password (passwd -l: a \"!\" before the hash in /etc/shadow), so password logins fail; the hash is kept and SSH keys are not affected. root is refused. Undo unlocks exactly as before.",
  execute: setLocked("user.lock", true),
  summarize: (o) => (o.changed ? `Locked ${o.name}'s password (uid ${o.uid}); password logins now fail` : `${o.name} was already locked; nothing changed`),
});

export const userUnlock = defineTool({
  ...shared,
  name: "user.unlock",
  description: "Unlock a user's password (passwd -u: the \"!\" before the hash goes). Refused when the account has no password (it would allow a login without one). Undo locks it again.",
  execute: setLocked("user.unlock", false),
  summarize: (o) => (o.changed ? `Unlocked ${o.name}'s password (uid ${o.uid})` : `${o.name} was not locked; nothing changed`),
});
