/**
 * Files, changed: make a directory, delete a path (a known daemon's
 * configuration included: "remove the nginx config" is /etc/nginx, not the
 * package), change a mode, copy and move. Each of these is reversible (the
 * fs tools keep what undo needs). A directory with something in it is
 * deleted only when the sentence says so ("and everything in it"); modes
 * that make a path writable by every user are refused.
 */
import { type Captured, defineIntent, IntentRefusal, refuse } from "../intent";
import { worldWritable } from "../safety";
import { call, probe, task } from "./common";
import { CONFIG, targetPath } from "./files-read";

export const makeDir = defineIntent<{ path: string; mode?: string }>({
  name: "make-directory",
  summary: "create a directory",
  examples: ["create a directory /srv/www", "mkdir -p /srv/app/data", "make a folder called /srv/data"],
  forms: [
    "(create|make|add|set up) [new] [empty] (directory|folder|dir) [tree|path|hierarchy|structure] [called|named|at|in|for] {path:path}",
    "mkdir [-p] {path:path}",
    "(create|make) {path:path} [as] [new] (directory|folder|dir)",
    "(create|make) (directory|folder|dir) {path:path}",
  ],
  // Parents are always made (fs.mkdir parents: true): saying so is honoured.
  qualifiers: [
    "with (mode|permissions|perms) {mode:mode}",
    "(and|with|including|plus|along with) [its|any|all|the] [missing|necessary|needed|required|intermediate|parent] (parents|parent directories|parent folders|parent dirs|intermediate directories|directories above it|directories in between) [as needed|if needed|if missing|that are missing|if necessary]",
    "(recursively|-p|--parents)",
    "(parents|parent directories|parent folders|missing parents) (included|too|as well|as needed|if needed)",
  ],
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

const ABLE = "readable <perm=rX>|writable <perm=w>|writeable <perm=w>|executable <perm=x>|runnable <perm=x>|accessible <perm=rX>|readable and writable <perm=rwX>|readable and executable <perm=rx>";
const WHO = "(others <who=o>|other users <who=o>|everyone else <who=o>|the world <who=o>|world <who=o>|everyone <who=a>|everybody <who=a>|all users <who=a>|all <who=a>|anyone <who=a>|anybody <who=a>|every user <who=a>|the group <who=g>|group <who=g>|its group <who=g>|group members <who=g>|the owner <who=u>|owner <who=u>|its owner <who=u>|the user <who=u>)";
const PERM = "(write <perm=w>|writing <perm=w>|read <perm=rX>|reading <perm=rX>|execute <perm=x>|exec <perm=x>|execution <perm=x>|executable <perm=x>|run <perm=x>)";
const RIGHT = "(permission|permissions|access|rights|right|bit|bits|privileges|privilege|perms)";

const LINK = "[symbolic|soft] (symlink|symbolic link|soft link|sym link|sym-link|link)";
const POINTS = "(to|pointing to|pointing at|that points to|which points to|that points at|targeting|->|=>|for)";

/**
 * A symbolic link, said with which end is which: "from LINK to TARGET", "LINK
 * pointing to TARGET", "a link to TARGET at LINK", `ln -s TARGET LINK`. The
 * link must not exist (nothing is replaced) and the target must: a sentence
 * that names the two ends the other way round is refused, not done backwards.
 */
export const makeSymlink = defineIntent<{ path: string; target: string }>({
  name: "make-symlink",
  summary: "create a symbolic link",
  examples: ["create a symlink from /srv/current to /srv/www", "ln -s /var/www /srv/web", "make a symbolic link /srv/site pointing to /var/www"],
  forms: [
    `(create|make|add|set up|put|place) [new] ${LINK} (from|at|called|named|in|on) {path:path} ${POINTS} {target:path}`,
    `(create|make|add|set up|put|place) [new] ${LINK} {path:path} ${POINTS} {target:path}`,
    `(create|make|add|set up|put|place) [new] ${LINK} ${POINTS} {target:path} (at|called|named|in|from|as|on) {path:path}`,
    `(make|turn) {path:path} [into] ${LINK} ${POINTS} {target:path}`,
    "(make|have|let) {path:path} (point|link) (to|at) {target:path}",
    "(symlink|link) {path:path} (->|=>) {target:path}",
    "ln (-s|--symbolic) {target:path} {path:path}",
  ],
  build(c) {
    const path = c.get<string>("path")!;
    const target = c.get<string>("target")!;
    return path === target ? refuse("a link cannot point to itself") : { path, target };
  },
  object: (a) => a.path,
  describe: (a) => `${a.path} → ${a.target}`,
  reusable: false,
  async plan(a, ctx) {
    const link = await probe<{ exists: boolean }>(ctx, "fs.stat", { path: a.path });
    if (!link.ok) throw new IntentRefusal(`cannot look at ${a.path}: ${link.message}`);
    if (link.value.exists) throw new IntentRefusal(`${a.path} already exists; aiOS does not replace it with a link (the link is the first path, e.g. "create a symlink from /srv/current to /srv/www")`);
    const target = await probe<{ exists: boolean }>(ctx, "fs.stat", { path: a.target });
    if (!target.ok) throw new IntentRefusal(`cannot look at ${a.target}: ${target.message}`);
    if (!target.value.exists) throw new IntentRefusal(`${a.target} does not exist, so a link to it would point nowhere`);
    return [task("symlink", `Link ${a.path} to ${a.target}`, "system", [call("fs.symlink", { path: a.path, target: a.target }, "a new symbolic link; nothing is replaced; undo removes it")])];
  },
});

export const changeMode = defineIntent<{ path: string; mode: string }>({
  name: "change-mode",
  summary: "change a path's permissions",
  examples: ["chmod 640 /etc/app.conf", "set the permissions of /srv/run.sh to 0755", "make /srv/run.sh executable"],
  forms: [
    "chmod {mode:mode} {path:path}",
    "chmod {path:path} [to] {mode:mode}",
    "(change|set|update) [the] (permissions|permission|mode|perms|file mode|access rights) (of|on|for) {path:path} to {mode:mode}",
    "(change|set) {path:path} (permissions|mode|perms) to {mode:mode}",
    // A mode given to a path: "give /srv/app mode 755", "apply permissions 644 to /srv/notes.txt", "set /srv/app to mode 750".
    "(give|set|assign) {path:path} [the] (mode|permissions|perms|permission bits|file mode) {mode:mode}",
    "(give|assign|apply|set) [the] (mode|permissions|perms|permission bits|file mode) {mode:mode} (to|on|for) {path:path}",
    "(set|change) {path:path} to (mode|permissions|perms) {mode:mode}",
    "make {path:path} (executable|runnable) <mode=+x>",
    "make {path:path} (world writable|world-writable|writable by everyone|writable by everybody|writable by all|writable by anyone|writable by all users|writable for everyone) <mode=o+w>",
    // In words: who (u, g, o, a), + or -, which permission. A directory's "readable" includes entering it (X).
    `make {path:path} (${ABLE}) (by|for|to) ${WHO} <op=+>`,
    "make {path:path} (world readable|world-readable|publicly readable|readable to the world|public) <op=+> <perm=rX> <who=o>",
    `make {path:path} (${ABLE}) only (by|for|to) (its owner|the owner|owner|me|root|the user who owns it) <op=only> <who=u>`,
    "make {path:path} private <op=only> <who=u> <perm=rwX>",
    `make {path:path} (not|no longer|non-) (${ABLE}) [(by|for|to) ${WHO}] <op=->`,
    `(remove|take away|take|drop|revoke|strip|withdraw) ${PERM} ${RIGHT} (for|from|of) ${WHO} (on|from|of|to|for) {path:path} <op=->`,
    `(remove|take away|take|drop|revoke|strip|withdraw) ${PERM} ${RIGHT} (on|from|of|for) {path:path} [(for|from) ${WHO}] <op=->`,
    `(give|grant|add) ${WHO} ${PERM} ${RIGHT} (on|to|for|over) {path:path} <op=+>`,
    `(give|grant|add) ${PERM} ${RIGHT} (to|for) ${WHO} (on|to|for|over) {path:path} <op=+>`,
    `(give|grant|add) ${PERM} ${RIGHT} (on|to|for) {path:path} [(to|for) ${WHO}] <op=+>`,
    `(give|grant) {path:path} ${PERM} ${RIGHT} [(for|to) ${WHO}] <op=+>`,
    `(allow|let) ${WHO} [to] (read <perm=rX>|write <perm=w>|write to <perm=w>|execute <perm=x>|run <perm=x>) {path:path} <op=+>`,
  ],
  build(c) {
    if (c.has("op") && (c.conflicting("perm") || c.conflicting("who"))) return refuse("it names two different permissions or users");
    const mode = c.has("op") ? wordsMode(c) : c.get<string>("mode")!;
    if (typeof mode !== "string") return mode;
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
      const st = await probe<{ exists: boolean; mode?: string; type?: string }>(ctx, "fs.stat", { path: a.path });
      if (!st.ok || !st.value.exists || !st.value.mode) throw new IntentRefusal(`cannot read ${a.path}'s mode to apply ${a.mode}`);
      mode = applySymbolic(st.value.mode, a.mode, st.value.type === "dir");
      if (worldWritable(mode)) throw new IntentRefusal(`${a.mode} would make ${a.path} writable by every user`);
    }
    return [task("chmod", `Set ${a.path}'s mode to ${mode}`, "system", [call("fs.chmod", { path: a.path, mode }, mode === a.mode ? "undo restores the old mode" : `${a.mode} on its current mode; undo restores it`)])];
  },
});

/**
 * A mode said in words: who (u, g, o, a; unsaid: as chmod +x for execute,
 * refused for read and write), + or -, which permission. "only by its owner"
 * takes that permission from group and others and gives it to the owner;
 * "make it private" takes everything from group and others. X is execute
 * for a directory (entering it), applied when planned.
 */
function wordsMode(c: Captured): string | { refuse: string } {
  const op = c.get<string>("op")!;
  const perm = c.get<string>("perm") ?? "rwX";
  const who = c.get<string>("who");
  // "readable only by its owner": the others lose that permission, the owner has it (chmod go-r,u+r).
  if (op === "only") return perm === "rwX" ? "go-rwx" : `go-${perm.replace("X", "")},u+${perm}`;
  if (who === undefined && perm !== "x") return refuse(`say for whom: the owner, the group, others or everyone (e.g. "for others")`);
  return `${who ?? ""}${op}${perm}`;
}

/**
 * u+x, go-w, a=r, +x on an octal mode ("0644" + "+x" → "0755": x where r is,
 * as chmod +x does without a umask); clauses joined by "," one after the
 * other. X (from words: "readable" said of a directory includes entering it)
 * is x for a directory being given permissions, nothing otherwise: a file
 * made readable is not made executable.
 */
export function applySymbolic(current: string, sym: string, isDir = false): string {
  let mode = current;
  for (const clause of sym.split(",")) mode = applyOne(mode, clause.replace(/X/g, isDir && /[+=]/.test(clause) ? "x" : ""));
  return mode;
}

function applyOne(current: string, sym: string): string {
  let m = Number.parseInt(current.slice(-4), 8) & 0o7777;
  const s = /^([ugoa]*)([+=-])([rwxst]*)$/.exec(sym);
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
