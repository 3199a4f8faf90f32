/**
 * write a config file: "write 'Welcome to aiOS' to /etc/motd", "put \"x\"
 * into /srv/a.txt", "append 'nameserver 1.1.1.1' to /etc/resolv.conf",
 * "create /srv/notes.txt containing 'hello'". The content is the quoted text
 * as written (\n and \t read as line break and tab), ending with a newline.
 */
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, probe, task } from "./common";

export interface WriteArgs {
  path: string;
  content: string;
  append: boolean;
  /** An empty new file ("create an empty file", "touch"): never over one that is there. */
  fresh?: boolean;
}

const TEXT = "[the] [text|line|content|contents|string|words]";

export const writeFile = defineIntent<WriteArgs>({
  name: "write-file",
  summary: "write a file",
  examples: ["write 'Welcome to aiOS' to /etc/motd", "put \"127.0.0.1 db\" into /etc/hosts.d/db", "append 'nameserver 10.0.2.3' to /etc/resolv.conf", "create /srv/www/index.html containing '<h1>hi</h1>'"],
  forms: [
    `(write|put|save|store|place) ${TEXT} {content:quoted} (to|into|in|at) [file] {path:path}`,
    `(write|save|store) [file] {path:path} (with|containing) ${TEXT} {content:quoted}`,
    `(replace|overwrite) [the] (contents|content|text) of {path:path} with ${TEXT} {content:quoted}`,
    `(append|add) ${TEXT} {content:quoted} (to|onto|at the end of|to the end of|into) [file] {path:path} <append=true>`,
    `(create|make) [new] [file] {path:path} (containing|with ${TEXT}|that contains|that says|saying) {content:quoted}`,
    "echo {content:quoted} (> <append=false>|>> <append=true>) {path:path}",
    `(write|put|save) [something|text|content|anything] (to|into|in) [file] {path:path} <empty=true>`,
    "(create|make|touch|add) [new] [empty|blank|zero-length|zero-byte] file [at|in|called|named|as] {path:path} <touch=true>",
    "(create|make|add) [new] (empty|blank|zero-length|zero-byte) [file] [at|called|named|as] {path:path} <touch=true>",
    "touch [file] {path:path} <touch=true>",
  ],
  // Over a file that is there only when asked: it loses its content (undo puts it back).
  qualifiers: ["[,] [and] (overwriting|overwrite|replacing|replace|truncating|truncate) [it|the file|the existing file|any existing file|what is there|if it exists] <overwrite=true>", "even if it (exists|is there|already exists) <overwrite=true>"],
  build(c) {
    if (c.has("empty")) return refuse(`say what to write, in quotes (e.g. write 'text' to ${c.get<string>("path")})`);
    if (c.has("touch")) return c.has("overwrite") ? { path: c.get<string>("path")!, content: "", append: false } : { path: c.get<string>("path")!, content: "", append: false, fresh: true };
    let content = c.get<string>("content")!.replace(/\\n/g, "\n").replace(/\\t/g, "\t");
    if (!content.endsWith("\n")) content += "\n";
    return { path: c.get<string>("path")!, content, append: c.get<boolean>("append") ?? false };
  },
  object: (a) => a.path,
  describe: (a) => `${a.append ? "append to" : "write"} ${a.path} (${a.content.length} bytes)`,
  reusable: false,
  async plan(a, ctx) {
    if (a.fresh) {
      const st = await probe<{ exists: boolean }>(ctx, "fs.stat", { path: a.path });
      if (!st.ok || st.value.exists) throw new IntentRefusal(st.ok ? `${a.path} already exists; it is left as it is` : `cannot look at ${a.path}: ${st.message}`);
      return [task("create-file", `Create the empty file ${a.path}`, "system", [call("fs.write", { path: a.path, content: "", createParents: true }, "a new, empty file (undo removes it)")])];
    }
    if (a.append) return [task("append-file", `Append to ${a.path}`, "system", [call("fs.append", { path: a.path, content: a.content })])];
    return [task("write-file", `Write ${a.path}`, "system", [call("fs.write", { path: a.path, content: a.content, createParents: true }, "replaces the file (undo puts the old content back)")])];
  },
});
