/**
 * edit a config file: "set worker_processes to 2 in /etc/nginx/nginx.conf",
 * "set PermitRootLogin no in /etc/ssh/sshd_config", "in /etc/app.ini set
 * port = 8080". The file is read at planning time (fs.read), the one active
 * line that sets the key is changed in place (indentation, separator, a
 * trailing `;` and comment kept), and the whole new content is written with
 * fs.write, whose undo restores the old file. A key that is not set (or
 * only in a comment), or set on more than one line, is refused: the
 * planner changes existing settings, it does not guess where a new one goes.
 */
import { defineIntent, IntentRefusal } from "../intent";
import { call, probe, task } from "./common";
import { CONFIG, targetPath } from "./files-read";

export interface EditArgs {
  path: string;
  key: string;
  value: string;
}

const VERB = "(set|change|update|modify|edit|make)";
const TARGET = `in [the] [file|config|config file|configuration] ({path:path}|{daemon:daemon} ${CONFIG})`;

const unquote = (v: string) => (/^(["'`]).*\1$/.test(v) ? v.slice(1, -1) : v);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export type EditResult = { content: string; line: number; before: string; after: string } | { error: string };

/** The content with the one active line that sets `key` changed to `value`. */
export function setKey(content: string, key: string, value: string): EditResult {
  const lines = content.split("\n");
  const re = new RegExp(`^(\\s*)${escape(key)}(\\s*[=:]\\s*|\\s+)(.*?)(\\s*;)?(\\s+#.*)?$`);
  const active: number[] = [];
  const commented: number[] = [];
  lines.forEach((l, i) => {
    if (/^\s*[#;]/.test(l)) {
      if (re.test(l.replace(/^\s*[#;]+\s*/, ""))) commented.push(i + 1);
    } else if (re.test(l)) active.push(i + 1);
  });
  if (active.length === 0) return { error: `${key} is not set${commented.length ? ` (only in a comment, line ${commented.join(", ")})` : ""}; the planner changes existing settings only` };
  if (active.length > 1) return { error: `${key} is set on lines ${active.join(", ")}; say which by editing the file another way` };
  const n = active[0]!;
  const before = lines[n - 1]!;
  const m = re.exec(before)!;
  const old = m[3]!;
  if (old.startsWith("{") || old.endsWith("{")) return { error: `${key} opens a block (line ${n}), it is not a setting with a value` };
  const quote = /^(["'])/.exec(old)?.[1];
  const v = quote && !value.startsWith(quote) ? `${quote}${value}${quote}` : value;
  const after = `${m[1]}${key}${m[2]}${v}${m[4] ?? ""}${m[5] ?? ""}`;
  lines[n - 1] = after;
  return { content: lines.join("\n"), line: n, before, after };
}

export const editFile = defineIntent<EditArgs>({
  name: "edit-file",
  summary: "change a setting in a config file",
  examples: ["set worker_processes to 2 in /etc/nginx/nginx.conf", "set PermitRootLogin no in /etc/ssh/sshd_config", "in /etc/app.ini set port = 8080", "change listen to '0.0.0.0:8080' in /etc/app/config.yaml", "set worker_processes to 4 in the nginx config"],
  forms: [
    `${VERB} [value of|setting|option|key|directive|parameter] {key:key} (to|=|:|be) {value:value} ${TARGET}`,
    `set {key:key} {value:value} ${TARGET}`,
    `set {kv:keyvalue} ${TARGET}`,
    `${TARGET} ${VERB} [value of|setting|option|key|directive|parameter] {key:key} [to|=|:] {value:value}`,
    `${TARGET} set {kv:keyvalue}`,
  ],
  build(c) {
    const p = targetPath(c, "file");
    if (typeof p !== "string") return p;
    const kv = c.get<{ key: string; value: string }>("kv");
    return kv ? { path: p, key: kv.key, value: unquote(kv.value) } : { path: p, key: c.get<string>("key")!, value: unquote(c.get<string>("value")!) };
  },
  reusable: false,
  object: (a) => a.path,
  describe: (a) => `${a.path}: ${a.key} = ${a.value}`,
  async plan(a, ctx) {
    const r = await probe<{ content: string; truncated: boolean }>(ctx, "fs.read", { path: a.path });
    if (!r.ok) throw new IntentRefusal(r.code === "ENOENT" ? `${a.path} does not exist` : `cannot read ${a.path}: ${r.message}`);
    if (r.value.truncated) throw new IntentRefusal(`${a.path} is larger than fs.read returns at once; not editing it from a part`);
    const e = setKey(r.value.content, a.key, a.value);
    if ("error" in e) throw new IntentRefusal(`${a.path}: ${e.error}`);
    return [
      task("edit-file", `Set ${a.key} to ${a.value} in ${a.path}`, "system", [
        call("fs.write", { path: a.path, content: e.content }, `line ${e.line}: "${e.before.trim().slice(0, 150)}" becomes "${e.after.trim().slice(0, 150)}" (read at planning time; undo restores the file)`),
      ]),
    ];
  },
});
