/**
 * create (or delete) a user: "create a user alice", "add user bob with shell
 * /bin/bash in groups sudo and adm", "create a system user svc", "delete
 * user alice and her home directory".
 */
import { absolutePaths, nameList, USER_NAME } from "../extract";
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

export type UserArgs =
  | { action: "create"; name: string; system: boolean; groups: string[]; home?: string; shell?: string; uid?: number; comment?: string }
  | { action: "delete"; name: string; removeHome: boolean };

const CREATE = /^(?:create|add|make|set\s*up|setup|new)\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?(system\s+)?(?:user|account|login|user\s+account)\b(.*)$/;
const DELETE = /^(?:delete|remove|drop|erase)\s+(?:the\s+)?(?:user|account|user\s+account)\b(.*)$/;
const NAME = /^\s*(?:(?:named|called|with\s+(?:the\s+)?name|name)\s+)?["'`]?([^\s"'`,]+)["'`]?/;

export const manageUser = defineIntent<UserArgs>({
  name: "manage-user",
  summary: "create a user",
  examples: ["create a user alice", "add user bob with shell /bin/bash in groups sudo and adm", "create a system user svc", "delete user alice and her home directory"],
  match(clause) {
    const t = clause.lower;
    const del = DELETE.exec(t);
    const cre = del ? null : CREATE.exec(t);
    const m = del ?? cre;
    if (!m) return null;
    const rest = (del ? m[1] : m[2])!;
    const n = NAME.exec(rest);
    if (!n || /^(with|in|to|and|who|that)$/.test(n[1]!)) return refuse(`say the user's name (e.g. "${del ? "delete" : "create"} user alice")`);
    const name = n[1]!;
    if (!USER_NAME.test(name)) return refuse(`"${name}" is not a valid user name (lower-case letters, digits, _ and -, starting with a letter)`);
    const after = rest.slice(n.index + n[0].length);
    if (del) return { action: "delete", name, removeHome: /\bhome\b/.test(after) && !/\b(?:keep|keeping|but\s+not|without)\b[^.]*\bhome\b/.test(after) };

    const args: UserArgs = { action: "create", name, system: Boolean(cre![1]) || /\b(?:as\s+a\s+)?system\s+(?:user|account)\b/.test(after), groups: [] };
    const paths = absolutePaths(after);
    const home = /\bhome(?:\s+(?:dir(?:ectory)?|folder))?\s+(?:at\s+|in\s+)?(\/\S+)/.exec(after);
    const shell = /\bshell\s+(\/\S+)/.exec(after);
    if (home) args.home = home[1]!.replace(/[.,;]+$/, "");
    if (shell) args.shell = shell[1]!.replace(/[.,;]+$/, "");
    if (paths.some((p) => p !== args.home && p !== args.shell)) return refuse("say what each path is: \"with home /srv/x\" or \"with shell /bin/bash\"");
    const uid = /\buid\s+(\d{1,5})\b/.exec(after);
    if (uid) args.uid = Number(uid[1]);
    const comment = clause.quoted.find((q) => q.quote !== "`");
    if (comment && comment.text !== name) args.comment = comment.text;
    const groups = /\b(?:in|to|into|member\s+of)\s+(?:the\s+)?(?:groups?\s+)?(.+?)(?:\s+groups?)?(?=\s+with\b|\s+and\s+(?:shell|home|uid)\b|$)/.exec(after.replace(/\bhome\s+\S+|\bshell\s+\S+|\buid\s+\d+/g, " ").trim());
    if (groups) {
      const list = nameList(groups[1]!, new Set(["the", "group", "groups"]));
      const bad = list.find((g) => !USER_NAME.test(g));
      if (bad) return refuse(`"${bad}" is not a group name`);
      args.groups = list;
    }
    return args;
  },
  object: (a) => a.name,
  describe: (a) =>
    a.action === "delete"
      ? `delete ${a.name}${a.removeHome ? " with its home" : ""}`
      : `create ${a.name}${a.system ? " (system)" : ""}${a.groups.length ? `, groups: ${a.groups.join(", ")}` : ""}${a.home ? `, home: ${a.home}` : ""}${a.shell ? `, shell: ${a.shell}` : ""}`,
  async plan(a) {
    if (a.action === "delete") return [task(`delete-user`, `Delete the user ${a.name}`, "system", [call("user.delete", { name: a.name, removeHome: a.removeHome })])];
    const { action: _, ...args } = a;
    const callArgs: Record<string, unknown> = { name: args.name };
    for (const [k, v] of Object.entries(args)) if (k !== "name" && v !== undefined && !(k === "system" && v === false) && !(k === "groups" && (v as string[]).length === 0)) callArgs[k] = v;
    return [task("create-user", `Create the user ${a.name}`, "system", [call("user.create", callArgs, "passwd, group and shadow entries, a private group and a home directory")])];
  },
});
