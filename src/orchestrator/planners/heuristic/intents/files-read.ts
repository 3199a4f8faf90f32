/**
 * Files, read-only: show a file (or a directory's entries: a probe says
 * which it is), list a directory, a path's details, find files by name or
 * content. A known daemon's configuration is a typed object: "the nginx
 * config" is /etc/nginx/nginx.conf to read, /etc/nginx to list.
 */
import { daemonFor } from "../daemons";
import { type Captured, defineIntent, IntentRefusal, refuse } from "../intent";
import { call, probe, task } from "./common";

/** "{path}" or "the nginx config": the path a clause names, or a refusal. */
export function targetPath(c: Captured, want: "file" | "dir"): string | { refuse: string } {
  const p = c.get<string>("path");
  if (p !== undefined) return p;
  const d = daemonFor(c.get<string>("daemon") ?? "");
  const path = want === "file" ? d?.configFile : d?.configDir;
  return path ?? refuse(`aiOS does not know where ${c.get<string>("daemon")}'s configuration is; give its path`);
}

export const CONFIG = "(config|configuration|conf|config file|configuration file|settings|config files|configuration files|configs)";
const CONTENT = "[contents|content|text] [of]";

interface Stat {
  exists: boolean;
  type?: string;
}

export const readFile = defineIntent<{ path: string }>({
  name: "read-file",
  summary: "show a file or a directory",
  examples: ["show /etc/hosts", "cat /etc/motd", "what's in /etc/nginx?", "show me the nginx config"],
  forms: [
    `(cat|read|open|view|print|display|show|output|dump|more|less|look at|check|give) [me|us] ${CONTENT} [file|directory|folder|dir] {path:path}`,
    "@show (contents|content|text) of [file|directory|folder] {path:path}",
    "@what (is|are) (in|inside) [file|directory|folder] {path:path}",
    "@show [me] what (is|are) (in|inside) {path:path}",
    "@what does [file] {path:path} (say|contain|have in it)",
    `(cat|read|view|print|display|show|open|look at|give) [me|us] ${CONTENT} {daemon:daemon} ${CONFIG}`,
    `(cat|read|view|print|display|show|open|look at|give) [me|us] ${CONTENT} ${CONFIG} (of|for) {daemon:daemon}`,
    `@what (is|are) (in|inside) {daemon:daemon} ${CONFIG}`,
    `@what does {daemon:daemon} ${CONFIG} (say|contain|look like)`,
    `how is {daemon:daemon} configured`,
  ],
  build(c) {
    const p = targetPath(c, "file");
    return typeof p === "string" ? { path: p } : p;
  },
  object: (a) => a.path,
  describe: (a) => a.path,
  async plan(a, ctx) {
    const st = await probe<Stat>(ctx, "fs.stat", { path: a.path });
    if (st.ok && !st.value.exists) throw new IntentRefusal(`${a.path} does not exist`);
    if (st.ok && st.value.type === "dir") return [task("list", `List ${a.path}`, "system", [call("fs.list", { path: a.path })])];
    return [task("read", `Show ${a.path}`, "system", [call("fs.read", { path: a.path })])];
  },
});

export const listDir = defineIntent<{ path: string; recursive?: boolean }>({
  name: "list-directory",
  summary: "list a directory",
  examples: ["ls /var/log", "list the files in /srv", "what files are in /etc/nginx?"],
  forms: [
    "ls [-l|-la|-al|-a|-lah|-lh|-1] {path:path}",
    "(list|show) [all] [the] [files|entries|contents|content|directories|folders|subdirectories|everything] (in|of|inside|under|within) [directory|folder|dir] {path:path}",
    "list [directory|folder|dir] {path:path}",
    "@what (files|directories|folders|entries|subdirectories) (are|is) (in|inside|under|there in) {path:path}",
    `(list|show) [the] {daemon:daemon} ${CONFIG} (files|directory|folder)`,
  ],
  qualifiers: ["(recursively|-r|-R|including subdirectories|and subdirectories|and everything below|and everything under it) <recursive=true>"],
  build(c) {
    const p = targetPath(c, "dir");
    if (typeof p !== "string") return p;
    return c.has("recursive") ? { path: p, recursive: true } : { path: p };
  },
  object: (a) => a.path,
  describe: (a) => `${a.path}${a.recursive ? ", recursive" : ""}`,
  async plan(a) {
    return [task("list", `List ${a.path}`, "system", [call("fs.list", { ...a })])];
  },
});

export const statPath = defineIntent<{ path: string }>({
  name: "path-details",
  summary: "show a path's type, size, owner, mode and age",
  examples: ["does /etc/motd exist?", "when was /etc/passwd last modified?", "who owns /srv/www", "stat /etc/hosts"],
  forms: [
    "(does|do) [file|directory|folder] {path:path} exist",
    "(is|are) there [a|any] [file|directory|folder] [at|called|named] {path:path}",
    "@ask [if|whether] {path:path} exists",
    "(when|what time) (was|did) {path:path} [last] (modified|changed|updated|written|touched|change|modify|update)",
    "(who|what user) (owns|is owner of|is the owner of) {path:path}",
    "@what (is|are) [the] (permissions|mode|owner|size|modification time|mtime|owner and mode|type) (of|on|for) {path:path}",
    "@show [the] (permissions|mode|owner|details|info|information|metadata|attributes|stats) (of|on|for) {path:path}",
    "stat {path:path}",
    "(is|are) {path:path} (a file|file|a directory|directory|a folder|folder|a symlink|symlink|a link|executable|readable|writable|empty)",
  ],
  build: (c) => ({ path: c.get<string>("path")! }),
  object: (a) => a.path,
  describe: (a) => a.path,
  async plan(a) {
    return [task("stat", `Look at ${a.path}`, "system", [call("fs.stat", { path: a.path })])];
  },
});

/** What a search looks for: a quoted text, or a word ("the word X", "the string X", "the text X"). */
const TERM = "[the] [word|string|text|term|phrase|pattern|keyword] {content:term}";
const MENTION = "(containing|that contain|that contains|which contain|with|mentioning|that mention|that mentions|which mention|mention|mentions|contain|contains|that have|that has|having|referencing|that reference|that references)";

export const findFiles = defineIntent<{ path: string; name?: string; content?: string }>({
  name: "find-files",
  summary: "find files by name or content",
  examples: ["find files named *.conf in /etc", "search for 'error' in /var/log", "grep -r 'listen' /etc/nginx"],
  forms: [
    "(find|search for|look for|locate|list) [all] [the] (files|file|directories|anything) (named|called|matching|like|with name|whose name is) {name:filename} (in|under|inside|within|below) {path:path}",
    "(find|search for|look for|locate) [all] {name:filename} [files] (in|under|inside|within|below) {path:path}",
    "find {path:path} -name {name:filename}",
    "(search|look|grep) for {content:quoted} (in|under|inside|within|through) [the] [files] [in|under] {path:path}",
    "(search|find|look through|look in|grep) [the] [files] [in|under] {path:path} for {content:quoted}",
    "(find|which) [all] (files|file) (containing|that contain|with|mentioning|that mention) {content:quoted} (in|under|inside) {path:path}",
    "grep [-r|-rn|-R|-rl|-ri <ignoreCase=true>|-ir <ignoreCase=true>|-i <ignoreCase=true>|-Ri <ignoreCase=true>|-rin <ignoreCase=true>] {content:quoted} {path:path}",
    // A bare word searched for ("grep listen in /etc/nginx", "which files in /etc mention nginx", "search /etc for the word localhost").
    `(search|look|grep|hunt|check) for ${TERM} (in|under|inside|within|through|across) [the] [files] [in|under] {path:path}`,
    `(search|grep|scan|look through|look in|go through|check) [the] [files] [in|under] {path:path} for ${TERM}`,
    `grep [-r|-rn|-R|-rl|-ri <ignoreCase=true>|-ir <ignoreCase=true>|-i <ignoreCase=true>|-Ri <ignoreCase=true>|-rin <ignoreCase=true>] ${TERM} [in|under] {path:path}`,
    `[find|which|what|list|show|@show] [all] [the] (files|file|configs|config files) (in|under|inside|within) {path:path} ${MENTION} ${TERM}`,
    `[find|which|what|list|@show] [all] [the] (files|file|configs|config files) ${MENTION} ${TERM} (in|under|inside|within) {path:path}`,
    `(is|are) there (any|a|some) (files|file|config|configs|config files) (in|under|inside|within) {path:path} [that|which] ${MENTION} ${TERM}`,
    `(does|do) (any|a) (file|files) (in|under|inside|within) {path:path} ${MENTION} ${TERM}`,
    `where (is|are) ${TERM} (mentioned|used|referenced|set|defined|found) (in|under|inside|within) {path:path}`,
    `where in {path:path} (is|are) ${TERM} (mentioned|used|referenced|set|defined|found)`,
  ],
  qualifiers: ["(ignoring case|case-insensitively|case insensitive|regardless of case) <ignoreCase=true>"],
  build(c) {
    const out: { path: string; name?: string; content?: string; ignoreCase?: boolean } = { path: c.get<string>("path")! };
    if (c.has("name")) out.name = c.get<string>("name")!;
    if (c.has("content")) out.content = c.get<string>("content")!;
    if (c.has("ignoreCase")) out.ignoreCase = true;
    return out;
  },
  describe: (a) => `${a.path}${a.name ? `, name ${a.name}` : ""}${a.content ? `, containing ${JSON.stringify(a.content)}` : ""}`,
  async plan(a) {
    return [task("search", `Search ${a.path}`, "system", [call("fs.search", { ...a })])];
  },
});
