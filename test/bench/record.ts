/**
 * record.ts NAME COMMAND < section.md — puts a benchmark's markdown into
 * BENCHMARKS.md between `<!-- bench:NAME -->` markers, replacing the previous
 * figures of that benchmark only, with the command, date, commit and machine
 * that produced them. The benchmark's output also goes to stdout. It refuses
 * to file figures measured on a tree with uncommitted changes.
 */
import { cpus } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const [name, command] = process.argv.slice(2);
if (!name || !command) {
  console.error("usage: record.ts NAME COMMAND < section.md");
  process.exit(2);
}
const body = (await new Response(Bun.stdin.stream()).text()).trim();
process.stdout.write(`${body}\n`);
if (!body) {
  console.error(`record.ts: ${name}: the benchmark printed nothing; BENCHMARKS.md left as it was`);
  process.exit(1);
}

const root = resolve(import.meta.dir, "../..");
const file = join(root, "BENCHMARKS.md");
const commit = Bun.spawnSync(["git", "-C", root, "rev-parse", "--short", "HEAD"]).stdout.toString().trim() || "unknown";
// BENCHMARKS.md itself does not count: `make bench` files one section after another into it.
const changed = Bun.spawnSync(["git", "-C", root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md"]).stdout.toString().trim();
// Figures must be reproducible from the commit they name: a dirty tree's are printed, never filed.
if (changed) {
  console.error(`record.ts: ${name}: the tree has uncommitted changes, so these figures are not filed in BENCHMARKS.md (commit first):\n${changed}`);
  process.exit(1);
}
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`;
const stamp = `_\`${command}\` · ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · commit ${commit} · ${machine}_`;

const begin = `<!-- bench:${name} -->`;
const end = `<!-- /bench:${name} -->`;
const section = `${begin}\n${body}\n\n${stamp}\n${end}`;
const header = "# Benchmarks\n\nThe latest figures of `make bench`, each with the command that produced them. Every figure comes with a baseline measured in the same run.\n";
const text = existsSync(file) ? readFileSync(file, "utf8") : header;
const at = text.indexOf(begin);
const next = at >= 0 ? text.slice(0, at) + section + text.slice(text.indexOf(end, at) + end.length) : `${text.trimEnd()}\n\n${section}\n`;
writeFileSync(file, next);
