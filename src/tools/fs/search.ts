/**
 * fs.search: files under a directory whose name matches a glob and/or whose
 * content holds a substring or regex. Never follows symlinks while walking,
 * skips binary files, and yields to the event loop so PID 1 stays responsive.
 * Regexes run in RE2 (../regex.ts): linear time, whatever the pattern.
 */
import { closeSync, lstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { indented, plural } from "../summary";
import { defineTool } from "../define";
import { compileRegex } from "../regex";
import { attempt, FsError } from "./errors";
import { guestPath } from "./common";
import { isReserved, resolvePath, pathsRisk } from "./paths";

const int = (min: number, max: number) => v.pipe(v.number(), v.integer("must be an integer"), v.minValue(min, `must be at least ${min}`), v.maxValue(max, `must be at most ${max}`));
/** Long lines are cut before matching, which bounds what one regex run can cost. */
const MAX_LINE = 4096;
const YIELD_EVERY = 256;

const match = v.object({ path: v.string(), line: v.optional(v.number()), text: v.optional(v.string()) });

export const fsSearch = defineTool({
  name: "fs.search",
  description: "Find files under a directory by name glob (e.g. \"*.conf\") and/or content (substring, or regex with regex: true); returns paths, and line numbers with text for content matches.",
  input: v.pipe(
    v.strictObject({
      path: guestPath,
      name: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
      content: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
      regex: v.optional(v.boolean(), false),
      ignoreCase: v.optional(v.boolean(), false),
      maxResults: v.optional(int(1, 10_000), 100),
      maxDepth: v.optional(int(0, 64), 20),
      maxFileBytes: v.optional(int(1, 64 * 1024 * 1024), 1024 * 1024),
    }),
    v.forward(
      v.check((a) => a.name !== undefined || a.content !== undefined, "give name, content or both"),
      ["name"],
    ),
  ),
  output: v.object({ path: v.string(), matches: v.array(match), scanned: v.number(), truncated: v.boolean() }),
  risk: "low",
  riskOf: pathsRisk(false, "path"),
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 60_000,
  async execute(args, ctx) {
    const tool = "fs.search";
    const r = resolvePath(ctx.env, tool, args.path);
    if (!attempt(tool, args.path, () => lstatSync(r.host)).isDirectory()) throw new FsError("ENOTDIR", tool, args.path, "ENOTDIR (not a directory)");
    const glob = args.name === undefined ? undefined : new Bun.Glob(args.name);
    let test: ((line: string) => boolean) | undefined;
    if (args.content !== undefined) {
      if (args.regex) {
        test = compileRegex(tool, "args.content", args.content, args.ignoreCase);
      } else {
        const needle = args.ignoreCase ? args.content.toLowerCase() : args.content;
        test = args.ignoreCase ? (line) => line.toLowerCase().includes(needle) : (line) => line.includes(needle);
      }
    }
    const matches: Array<v.InferOutput<typeof match>> = [];
    let scanned = 0;
    let truncated = false;
    // Pre-order, sorted: results come out in the order `find | sort` would give.
    const visit = async (dirHost: string, dirGuest: string, dirReal: string, depth: number): Promise<void> => {
      let names: string[];
      try {
        names = readdirSync(dirHost).sort();
      } catch {
        return; // unreadable directory: skipped, as find(1) does after a warning
      }
      for (const name of names) {
        if (truncated) return;
        if (++scanned % YIELD_EVERY === 0) {
          await Bun.sleep(0);
          if (ctx.signal.aborted) throw ctx.signal.reason;
        }
        const host = join(dirHost, name);
        const guest = dirGuest === "/" ? `/${name}` : `${dirGuest}/${name}`;
        const real = dirReal === "/" ? `/${name}` : `${dirReal}/${name}`;
        if (isReserved(ctx.env, real)) continue;
        const st = lstatSync(host, { throwIfNoEntry: false });
        if (!st) continue;
        if (!glob || glob.match(name)) {
          if (!test) matches.push({ path: guest });
          else if (st.isFile() && st.size <= args.maxFileBytes) for (const hit of await grep(host, st.size, test, ctx.signal)) matches.push({ path: guest, ...hit });
          if (matches.length >= args.maxResults) {
            truncated = true; // there may be more; the caller can narrow the search
            matches.length = args.maxResults;
            return;
          }
        }
        if (st.isDirectory() && depth < args.maxDepth) await visit(host, guest, real, depth + 1);
      }
    };
    await visit(r.host, r.guest, r.real, 0);
    return { path: r.guest, matches, scanned, truncated };
  },
  summarize: (o) => {
    if (o.matches.length === 0) return `Nothing matched under ${o.path} (${plural(o.scanned, "entry", "entries")} looked at)`;
    const lines = o.matches.map((m) => (m.line === undefined ? m.path : `${m.path}:${m.line}: ${m.text ?? ""}`));
    return [`${plural(o.matches.length, "match", "matches")} under ${o.path}${o.truncated ? " (stopped at the limit; there may be more)" : ""}:`, ...indented(lines, 20, "head")].join("\n");
  },
});

/**
 * Characters matched between two yields to the event loop: RE2 costs up to
 * ~1 µs a character on a hostile pattern, so 32 Ki keeps each slice near
 * 35 ms, and a 64 MiB file never holds PID 1 for its whole scan.
 */
const YIELD_CHARS = 32 * 1024;

async function grep(host: string, size: number, test: (line: string) => boolean, signal: AbortSignal): Promise<Array<{ line: number; text: string }>> {
  const buf = Buffer.alloc(size);
  let fd: number;
  try {
    fd = openSync(host, "r");
  } catch {
    return [];
  }
  try {
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  if (buf.subarray(0, 8192).includes(0)) return []; // binary
  const out: Array<{ line: number; text: string }> = [];
  const lines = buf.toString("utf8").split("\n");
  let since = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).slice(0, MAX_LINE);
    since += line.length + 1;
    if (since >= YIELD_CHARS) {
      since = 0;
      await Bun.sleep(0);
      if (signal.aborted) throw signal.reason;
    }
    if (test(line)) out.push({ line: i + 1, text: line.slice(0, 200) });
  }
  return out;
}
