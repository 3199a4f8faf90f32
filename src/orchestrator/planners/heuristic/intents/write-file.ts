/**
 * write a config file: "write 'Welcome to aiOS' to /etc/motd", "put \"x\"
 * into /srv/a.txt", "append 'nameserver 1.1.1.1' to /etc/resolv.conf",
 * "create /srv/notes.txt containing 'hello'". The content is the quoted text
 * as written (\n and \t read as line break and tab), ending with a newline.
 */
import { absolutePaths } from "../extract";
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

export interface WriteArgs {
  path: string;
  content: string;
  append: boolean;
}

const VERB = /^(?:write|put|save|store|append|add|create|make)\b/;

export const writeFile = defineIntent<WriteArgs>({
  name: "write-file",
  summary: "write a config file",
  examples: ["write 'Welcome to aiOS' to /etc/motd", "put \"127.0.0.1 db\" into /etc/hosts.d/db", "append 'nameserver 10.0.2.3' to /etc/resolv.conf", "create /srv/www/index.html containing '<h1>hi</h1>'"],
  match(clause) {
    const t = clause.lower;
    if (!VERB.test(t)) return null;
    const paths = absolutePaths(clause.text);
    if (paths.length === 0) return null;
    const append = /^(?:append|add)\b/.test(t);
    const quoted = clause.quoted.filter((q) => !(q.text.startsWith("/") && paths.includes(q.text)));
    if (/^(?:create|make|add)\b/.test(t) && !/\b(?:file|containing|with\s+(?:the\s+)?(?:content|text))\b/.test(t) && quoted.length === 0) return null;
    if (/^add\b/.test(t) && !/\b(?:to|into)\s+\S*\//.test(t)) return null;
    if (quoted.length === 0) return refuse(`say what to write, in quotes (e.g. write 'text' to ${paths[0]})`);
    if (quoted.length > 1 || paths.length > 1) return refuse("give one quoted text and one file");
    let content = quoted[0]!.text.replace(/\\n/g, "\n").replace(/\\t/g, "\t");
    if (!content.endsWith("\n")) content += "\n";
    return { path: paths[0]!, content, append };
  },
  object: (a) => a.path,
  describe: (a) => `${a.append ? "append to" : "write"} ${a.path} (${a.content.length} bytes)`,
  async plan(a) {
    if (a.append) return [task("append-file", `Append to ${a.path}`, "system", [call("fs.append", { path: a.path, content: a.content })])];
    return [task("write-file", `Write ${a.path}`, "system", [call("fs.write", { path: a.path, content: a.content, createParents: true }, "replaces the file (undo puts the old content back)")])];
  },
});
