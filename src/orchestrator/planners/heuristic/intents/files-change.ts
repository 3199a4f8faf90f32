/**
 * Files, changed: make a directory, delete a path (a known daemon's
 * configuration included: "remove the nginx config" is /etc/nginx, not the
 * package), change a mode, copy and move. Each of these is reversible (the
 * fs tools keep what undo needs). A directory with something in it is
 * deleted only when the sentence says so ("and everything in it"); modes
 * that make a path writable by every user are refused.
 */
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { worldWritable } from "../safety";
import { call, probe, task } from "./common";
import { CONFIG, targetPath } from "./files-read";

export const makeDir = defineIntent<{ path: string; mode?: string }>({
  name: "make-directory",
  summary: "create a directory",
  examples: ["create a directory /srv/www", "mkdir -p /srv/app/data", "make a folder called /srv/data"],
  forms: [
    "(create|make|add|set up) [new] [empty] (directory|folder|dir) [called|named|at|in|for] {path:path}",
    "mkdir [-p] {path:path}",
    "(create|make) {path:path} [as] [new] (directory|folder|dir)",
    "(create|make) (directory|folder|dir) {path:path}",
  ],
  qualifiers: ["with (mode|permissions|perms) {mode:mode}", "(and|with) (its|any|all) [missing] (parents|parent directories|parent folders)"],
  build(c) {
    const mode = c.get<string>("mode");
    if (mode !== undefined && !/^[0-7]{4}$/.test(mode)) return refuse("give the mode in octal (e.g. 0755)");
    if (mode !== undefined && worldWritable(mode)) return refuse(`mode ${mode} makes the directory writable by every user`);
    return mode ? { path: c.get<string>("path")!, mode } : { path: c.get<string>("path")! };
  },
  object: (a) => a.path,
  describe: (a) => `${a.path}${a.mode ? `, mode ${a.mode}` : ""}`,
  async plan(a) {
    return [task("mkdir", `Create ${a.path}`, "system", [call("fs.mkdir", { path: a.path, parents: true, ...(a.mode ? { mode: a.mode } : {}) }, "missing parents too; an existing directory is left as it is; undo removes what it created")])];
  },
});

const ALL_OF_IT = "(recursively|-r|-rf|-fr|-R|-Rf|and everything in it|and all its contents|and its contents|with everything inside|with everything in it|with all its contents|including its contents|and all files in it|and all of its contents|and all subdirectories|with its contents) <recursive=true>";
const THING = "[empty] [file|directory|folder|dir|symlink|link]";

export const deletePath = defineIntent<{ path: string; recursive: boolean; config?: string }>({
  name: "delete-path",
  summary: "delete a file or directory",
  examples: ["delete /tmp/old.txt", "rm -r /srv/old", "remove the directory /srv/tmp and everything in it", "remove the nginx config"],
  forms: [
    `(delete|remove|rm|erase|get rid of|wipe|trash|unlink|rmdir|destroy) [-f] [${ALL_OF_IT}] [-f] ${THING} {path:path}`,
    `(delete|remove|erase|get rid of|wipe|wipe out|trash|purge|clear|drop) [all] {daemon:daemon} ${CONFIG} <config=true>`,
    `(delete|remove|erase|get rid of|wipe|wipe out|trash|purge|clear|drop) [all] ${CONFIG} (of|for) {daemon:daemon} <config=true>`,
  ],
  qualifiers: [ALL_OF_IT, "(from|on) [the] (disk|system)", "(permanently|for good)"],
  build(c) {
    const p = targetPath(c, "dir");
    if (typeof p !== "string") return p;
    // A daemon's configuration is its directory, all of it.
    if (c.has("config")) return { path: p, recursive: true, config: c.get<string>("daemon")! };
    return { path: p, recursive: c.has("recursive") };
  },
  object: (a) => a.path,
  describe: (a) => `${a.path}${a.config ? ` (${a.config}'s configuration)` : ""}${a.recursive ? ", with everything in it" : ""}`,
  reusable: false,
  async plan(a, ctx) {
    const st = await probe<{ exists: boolean; type?: string }>(ctx, "fs.stat", { path: a.path });
    if (st.ok && !st.value.exists) throw new IntentRefusal(`${a.path} does not exist`);
    let recursive = a.recursive;
    if (st.ok && st.value.type === "dir" && !recursive) {
      const l = await probe<{ entries: unknown[] }>(ctx, "fs.list", { path: a.path, limit: 1 });
      if (!l.ok || l.value.entries.length > 0) throw new IntentRefusal(`${a.path} is a directory with things in it; say "delete ${a.path} and everything in it" to delete them too`);
    }
    if (st.ok && st.value.type !== "dir") recursive = false;
    return [task("delete", `Delete ${a.path}`, "system", [call("fs.delete", recursive ? { path: a.path, recursive: true } : { path: a.path }, `${a.config ? `${a.config}'s configuration files (the package stays installed); ` : ""}a copy is kept so the call can be undone`)])];
  },
});

export const changeMode = defineIntent<{ path: string; mode: string }>({
  name: "change-mode",
  summary: "change a path's permissions",
  examples: ["chmod 640 /etc/app.conf", "set the permissions of /srv/run.sh to 0755", "make /srv/run.sh executable"],
  forms: [
    "chmod {mode:mode} {path:path}",
    "(change|set|update) [the] (permissions|permission|mode|perms|file mode|access rights) (of|on|for) {path:path} to {mode:mode}",
    "(change|set) {path:path} (permissions|mode|perms) to {mode:mode}",
    "make {path:path} (executable|runnable) <mode=+x>",
    "make {path:path} (world writable|world-writable|writable by everyone|writable by everybody|writable by all|writable by anyone|writable by all users|writable for everyone) <mode=o+w>",
  ],
  build(c) {
    const mode = c.get<string>("mode")!;
    if (worldWritable(mode)) return refuse(`mode ${mode} makes ${c.get<string>("path")} writable by every user`);
    return { path: c.get<string>("path")!, mode };
  },
  object: (a) => a.path,
  describe: (a) => `${a.path} → ${a.mode}`,
  reusable: false,
  async plan(a, ctx) {
    let mode = a.mode;
    if (!/^[0-7]{4}$/.test(mode)) {
      // Symbolic: applied to the mode the file has now.
      const st = await probe<{ exists: boolean; mode?: string }>(ctx, "fs.stat", { path: a.path });
      if (!st.ok || !st.value.exists || !st.value.mode) throw new IntentRefusal(`cannot read ${a.path}'s mode to apply ${a.mode}`);
      mode = applySymbolic(st.value.mode, a.mode);
      if (worldWritable(mode)) throw new IntentRefusal(`${a.mode} would make ${a.path} writable by every user`);
    }
    return [task("chmod", `Set ${a.path}'s mode to ${mode}`, "system", [call("fs.chmod", { path: a.path, mode }, mode === a.mode ? "undo restores the old mode" : `${a.mode} on its current mode; undo restores it`)])];
  },
});

/** u+x, go-w, a=r, +x on an octal mode ("0644" + "+x" → "0755": x where r is, as chmod +x does without a umask). */
export function applySymbolic(current: string, sym: string): string {
  let m = Number.parseInt(current.slice(-4), 8) & 0o7777;
  const s = /^([ugoa]*)([+=-])([rwxst]+)$/.exec(sym);
  if (!s) return current;
  const who = s[1] === "" || s[1]!.includes("a") ? "ugo" : s[1]!;
  let bits = 0;
  for (const w of who) {
    const shift = w === "u" ? 6 : w === "g" ? 3 : 0;
    for (const p of s[3]!) bits |= (p === "r" ? 4 : p === "w" ? 2 : p === "x" ? 1 : 0) << shift;
  }
  // "+x" with no one named: only where the file can be read, as chmod does under a 022 umask.
  if (s[1] === "" && s[3] === "x") bits &= ((m & 0o444) >> 2) | 0o100;
  if (s[2] === "+") m |= bits;
  else if (s[2] === "-") m &= ~bits;
  else {
    let mask = 0;
    for (const w of who) mask |= 7 << (w === "u" ? 6 : w === "g" ? 3 : 0);
    m = (m & ~mask) | bits;
  }
  return m.toString(8).padStart(4, "0");
}

export const copyMove = defineIntent<{ action: "copy" | "move"; from: string; to: string }>({
  name: "copy-move",
  summary: "copy or move a file or directory",
  examples: ["copy /etc/nginx/nginx.conf to /srv/backup/nginx.conf", "move /srv/a.txt to /srv/b.txt", "back up /etc/nginx to /srv/nginx-backup"],
  forms: [
    "(copy|cp|duplicate) [-r|-a|-R|-rp] [file|directory|folder] {from:path} (to|into|as|onto) {to:path} <action=copy>",
    "(back up|backup) {from:path} (to|into|as|in) {to:path} <action=copy>",
    `(back up|backup|copy) [the] {daemon:daemon} ${CONFIG} (to|into|in) {to:path} <action=copy>`,
    "(create|make|take) [a] (backup|copy) of {from:path} (to|at|in|as|into) {to:path} <action=copy>",
    "(move|mv|rename|relocate) [file|directory|folder] {from:path} (to|into|as) {to:path} <action=move>",
  ],
  build(c) {
    const from = c.has("daemon") ? targetPath(c, "dir") : c.get<string>("from")!;
    if (typeof from !== "string") return from;
    const to = c.get<string>("to")!;
    if (from === to) return refuse("it names the same path twice");
    return { action: c.get<"copy" | "move">("action")!, from, to };
  },
  object: (a) => a.to,
  describe: (a) => `${a.action} ${a.from} → ${a.to}`,
  async plan(a, ctx) {
    const st = await probe<{ exists: boolean; type?: string }>(ctx, "fs.stat", { path: a.from });
    if (st.ok && !st.value.exists) throw new IntentRefusal(`${a.from} does not exist`);
    if (a.action === "move") return [task("move", `Move ${a.from} to ${a.to}`, "system", [call("fs.move", { from: a.from, to: a.to }, "refused if something is already there; undo moves it back")])];
    const dir = st.ok && st.value.type === "dir";
    return [task("copy", `Copy ${a.from} to ${a.to}`, "system", [call("fs.copy", dir ? { from: a.from, to: a.to, recursive: true } : { from: a.from, to: a.to }, "refused if something is already there; undo removes the copy")])];
  },
});
