/**
 * monitor.logs: the end of one of aiOS's logs (the main log, a service's log
 * under services/, a detached process's under spawn/) or of any file under
 * /var/log (syslog, nginx/error.log...), filtered by text and time. The file
 * is read backwards in chunks, so asking for the last lines of a large log
 * costs only what is read; every chunk is an await, so a timeout or
 * cancellation stops it. A gzip-compressed rotated log is inflated in memory,
 * up to a bound.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import * as v from "valibot";
import { errorCode } from "../../sys";
import { indented, plural } from "../summary";
import { defineTool, type ToolEnv } from "../define";
import { guestToHost, normalizeGuest, within } from "../fs/paths";
import { compileRegex, validRegex } from "../regex";
import { intArg, MonitorError } from "./common";

/** Read (and matched) per event-loop turn: at RE2's worst, ~1 µs a character, about 20 ms. */
const CHUNK = 16 * 1024;
const MAX_LINE = 8192;
/** `service:web` reads services/web.log; any other `dir:name` reads dir/name.log. */
const ALIASES: Record<string, string> = { service: "services" };
const aliasOf = (subdir: string) => Object.entries(ALIASES).find(([, d]) => d === subdir)?.[0] ?? subdir;

/** The lines of a file from last to first, read in chunks from the end (UTF-8 safe: splits on bytes). */
export async function* linesBackward(path: string, signal?: AbortSignal, chunkSize = CHUNK): AsyncGenerator<string> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    let pos = size;
    let head = Buffer.alloc(0); // the start of the earliest line seen so far, possibly incomplete
    while (pos > 0) {
      if (signal?.aborted) throw signal.reason;
      const len = Math.min(chunkSize, pos);
      pos -= len;
      const chunk = Buffer.alloc(len);
      await fh.read(chunk, 0, len, pos);
      const buf = Buffer.concat([chunk, head]);
      let end = buf.length;
      // The file's final newline ends the last line; it does not start an empty one.
      if (pos + len === size && buf[end - 1] === 0x0a) end--;
      // (lastIndexOf with a negative offset would count from the end, hence end > 0)
      for (let nl = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1; nl >= 0; nl = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1) {
        yield buf.toString("utf8", nl + 1, end);
        end = nl;
      }
      head = buf.subarray(0, end);
    }
    if (size > 0) yield head.toString("utf8");
  } finally {
    await fh.close();
  }
}

const LEADING_TIME = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

/** The time a log line starts with (aiOS writes `2025-01-31T12:00:00.000Z level msg`), in ms. */
export function leadingTime(line: string): number | undefined {
  const m = LEADING_TIME.exec(line);
  if (!m) return undefined;
  const t = Date.parse(m[1]!.replace(" ", "T"));
  return Number.isNaN(t) ? undefined : t;
}

/** Log names a caller may ask for: `aios` for aios.log, `service:web` for services/web.log, `spawn:x` for spawn/x.log. */
export function logSources(dir: string): string[] {
  const names = (d: string, prefix: string) => {
    try {
      return readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => prefix + (e.name.endsWith(".log") ? e.name.slice(0, -4) : e.name));
    } catch {
      return [];
    }
  };
  let subdirs: string[] = [];
  try {
    subdirs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    // no log directory yet
  }
  return [...names(dir, ""), ...subdirs.flatMap((d) => names(join(dir, d), `${aliasOf(d)}:`))].sort();
}

/** `real`'s path below `realDir` with `/` separators, or null when it is not strictly inside. */
function inside(realDir: string, real: string): string | null {
  const rel = relative(realDir, real);
  return rel === "" || rel.startsWith("..") || rel.startsWith(sep) ? null : rel.split(sep).join("/");
}

/** The one directory `path` may name files in: /var/log, below the tools' root. */
export const VAR_LOG = "/var/log";

/** What is in a directory under /var/log, for an error that helps: `aios/, nginx/, syslog`. */
function listing(host: string): string {
  try {
    const names = readdirSync(host, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
    return names.length ? `${names.slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""}` : "nothing";
  } catch {
    return "nothing";
  }
}

/**
 * A file under /var/log by its guest path: a regular file inside /var/log
 * once symlinks are followed (in dev mode, the sandbox's /var/log). The schema
 * already refused relative paths, NUL bytes and `..`.
 */
export function resolveVarLog(env: ToolEnv, path: string): { host: string; file: string } {
  const guest = normalizeGuest(path) ?? path;
  let realDir: string;
  try {
    realDir = realpathSync(guestToHost(env, VAR_LOG));
  } catch {
    throw new MonitorError("ENOENT", "monitor.logs", path, `there is no ${VAR_LOG} here`);
  }
  let real: string;
  try {
    real = realpathSync(guestToHost(env, guest));
  } catch (err) {
    const parent = guest.slice(0, guest.lastIndexOf("/")) || "/";
    const dir = errorCode(err) === "ENOENT" && within(parent, VAR_LOG) ? `; ${parent} has: ${listing(guestToHost(env, parent))}` : "";
    throw new MonitorError(errorCode(err) ?? "failed", "monitor.logs", path, `${errorCode(err) === "ENOENT" ? "no such log file" : String(err)}${dir}`, { cause: err });
  }
  const rel = inside(realDir, real);
  if (rel === null) throw new MonitorError("EACCES", "monitor.logs", path, `leads outside ${VAR_LOG}`);
  const st = statSync(real);
  if (st.isDirectory()) throw new MonitorError("EISDIR", "monitor.logs", path, `is a directory; it has: ${listing(real)}`);
  if (!st.isFile()) throw new MonitorError("EINVAL", "monitor.logs", path, "is not a regular file");
  return { host: real, file: `${VAR_LOG}/${rel}` };
}

/**
 * A source that names no aiOS log may still be a program logging under
 * /var/log (a package's nginx writes /var/log/nginx/): say where to look.
 */
function varLogHint(env: ToolEnv, source: string): string {
  const name = source.slice(source.indexOf(":") + 1);
  for (const candidate of [`${VAR_LOG}/${name}`, `${VAR_LOG}/${name}.log`]) {
    try {
      const st = statSync(guestToHost(env, candidate));
      return st.isDirectory() ? `; ${candidate} has: ${listing(guestToHost(env, candidate))} (ask with path)` : `; ${candidate} exists (ask with path)`;
    } catch {
      // not there
    }
  }
  return "";
}

/** Gzip'd rotated logs are inflated whole; past this the call refuses rather than fill memory. */
const MAX_INFLATED = 64 * 1024 * 1024;

/** The lines of an in-memory text from last to first, checking the signal every few thousand. */
async function* bufferLinesBackward(text: string, signal?: AbortSignal): AsyncGenerator<string> {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (let i = lines.length - 1, n = 0; i >= 0; i--, n++) {
    if (n % 4096 === 4095) {
      await Bun.sleep(0);
      if (signal?.aborted) throw signal.reason;
    }
    yield lines[i]!;
  }
}

function linesOf(host: string, label: string, signal: AbortSignal): AsyncGenerator<string> {
  if (!host.endsWith(".gz")) return linesBackward(host, signal);
  let text: string;
  try {
    text = gunzipSync(readFileSync(host), { maxOutputLength: MAX_INFLATED }).toString("utf8");
  } catch (err) {
    const code = errorCode(err);
    const reason = code === "ERR_BUFFER_TOO_LARGE" ? `inflates to more than ${MAX_INFLATED >> 20} MiB` : `not a readable gzip file (${code ?? String(err)})`;
    throw new MonitorError(code === "ERR_BUFFER_TOO_LARGE" ? "E2BIG" : "EINVAL", "monitor.logs", label, reason, { cause: err });
  }
  return bufferLinesBackward(text, signal);
}

/**
 * The file a source names, which must be a regular file inside the log
 * directory after symlinks are followed. The schema already refused slashes and `..`.
 */
export function resolveLog(dir: string, source: string, hint: () => string = () => ""): { host: string; file: string } {
  const colon = source.indexOf(":");
  const prefix = colon < 0 ? "" : source.slice(0, colon);
  const name = source.slice(colon + 1);
  const base = prefix ? join(dir, ALIASES[prefix] ?? prefix) : dir;
  let realDir: string;
  try {
    realDir = realpathSync(dir);
  } catch {
    throw new MonitorError("ENOENT", "monitor.logs", source, "no log directory yet");
  }
  for (const candidate of [join(base, `${name}.log`), join(base, name)]) {
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      continue;
    }
    const rel = inside(realDir, real);
    if (rel === null) throw new MonitorError("EACCES", "monitor.logs", source, "leads outside the log directory");
    if (!statSync(real).isFile()) continue;
    return { host: real, file: rel };
  }
  const have = logSources(dir);
  throw new MonitorError("ENOENT", "monitor.logs", source, `no such log (have: ${have.length ? have.join(", ") : "none"})${hint()}`);
}

const input = v.pipe(
  v.strictObject({
    /** Default aios (when path is not given). */
    source: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.regex(/^([a-z][a-z0-9_-]{0,31}:)?[A-Za-z0-9_@][A-Za-z0-9._@-]{0,127}$/, "must be a log name such as aios or service:web (letters, digits, . _ - @; no slashes)"),
        v.check((s) => !s.includes(".."), "must not contain .."),
      ),
    ),
    path: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.maxLength(4096, "must be at most 4096 characters"),
        v.check((s) => !s.includes("\0"), "must not contain a NUL byte"),
        v.check((s) => !s.split("/").includes(".."), "must not contain .. segments"),
        v.check((s) => s.startsWith(`${VAR_LOG}/`) && (normalizeGuest(s) ?? "/") !== VAR_LOG, `must be a file under ${VAR_LOG}, such as ${VAR_LOG}/syslog`),
      ),
    ),
    lines: v.optional(intArg(1, 1000), 100),
    grep: v.optional(v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(500, "must be at most 500 characters"))),
    regex: v.optional(v.boolean("must be true or false"), false),
    ignoreCase: v.optional(v.boolean("must be true or false"), false),
    since: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.check((s) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), "must be an ISO time such as 2025-01-31T12:00:00Z"),
      ),
    ),
  }),
  v.forward(v.check((a) => !a.regex || a.grep === undefined || validRegex(a.grep), "must be a valid regular expression"), ["grep"]),
  v.forward(v.check((a) => a.source === undefined || a.path === undefined, "give source or path, not both"), ["path"]),
);

export const monitorLogs = defineTool({
  name: "monitor.logs",
  description:
    "The last lines of a log: source aios (aiOS's main log, the default), service:<name> (a supervised service's output), spawn:<id> (a detached process's output) or another file in aiOS's log directory by name (an unknown source lists those there are); or path, any file under /var/log (/var/log/syslog, /var/log/nginx/error.log; .gz rotations are inflated). grep keeps lines containing the text (a regular expression when regex is set); since keeps lines from that ISO time on (lines without a leading timestamp belong to the one above). Oldest first; truncated says more matching lines were left out.",
  input,
  output: v.object({
    /** The source asked for (`aios`, `service:web`), or the path under /var/log. */
    source: v.string(),
    /** The file read: relative to aiOS's log directory for a source, the full guest path for a path. */
    file: v.string(),
    lines: v.array(v.string()),
    truncated: v.boolean(),
    scannedLines: v.number(),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 15_000,
  async execute(args, ctx) {
    const source = args.path === undefined ? (args.source ?? "aios") : (normalizeGuest(args.path) ?? args.path);
    const { host, file } = args.path !== undefined ? resolveVarLog(ctx.env, args.path) : resolveLog(ctx.env.paths.log, source, () => varLogHint(ctx.env, source));
    // RE2 (../regex.ts): linear in the line, so a hostile pattern cannot stall PID 1.
    const re = args.grep !== undefined && args.regex ? compileRegex("monitor.logs", "args.grep", args.grep, args.ignoreCase) : undefined;
    const needle = args.grep === undefined || re ? undefined : args.ignoreCase ? args.grep.toLowerCase() : args.grep;
    // A line is matched on its first MAX_LINE characters (what is shown of it): a 10 MB line cannot stall the loop.
    const matches = (whole: string) => {
      const line = whole.length > MAX_LINE ? whole.slice(0, MAX_LINE) : whole;
      return re ? re(line) : needle === undefined ? true : (args.ignoreCase ? line.toLowerCase() : line).includes(needle);
    };
    const since = args.since === undefined ? undefined : Date.parse(args.since);
    if (since !== undefined && statSync(host).mtimeMs < since) return { source, file, lines: [], truncated: false, scannedLines: 0 };

    const newestFirst: string[] = [];
    let truncated = false;
    let scannedLines = 0;
    /** Adds a line if it matches; false once the limit is reached and more lines would be needed. */
    const take = (line: string): boolean => {
      if (!matches(line)) return true;
      if (newestFirst.length === args.lines) {
        truncated = true;
        return false;
      }
      newestFirst.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
      return true;
    };
    // With since, undated lines wait until the dated line above them says whether they are recent.
    let pending: string[] = [];
    let decided = false;
    try {
      for await (const line of linesOf(host, source, ctx.signal)) {
        scannedLines++;
        if (since === undefined) {
          if (!take(line)) break;
          continue;
        }
        const at = leadingTime(line);
        if (at === undefined) {
          if (matches(line) && pending.length <= args.lines) pending.push(line);
          continue;
        }
        if (at < since) {
          decided = true;
          break;
        }
        const keep = [...pending, line];
        pending = [];
        if (!keep.every(take)) {
          decided = true;
          break;
        }
      }
    } catch (err) {
      if (err === ctx.signal.reason || err instanceof MonitorError) throw err;
      throw new MonitorError(errorCode(err) ?? "failed", "monitor.logs", source, String(err), { cause: err });
    }
    // Undated lines at the top of the file: the file changed after `since`, so they may be recent.
    if (!decided) pending.every(take);
    return { source, file, lines: newestFirst.reverse(), truncated, scannedLines };
  },
  summarize: (o, args) => {
    const filter = [args.grep !== undefined && `matching ${JSON.stringify(args.grep)}`, args.since !== undefined && `since ${args.since}`].filter(Boolean).join(" ");
    const what = o.source === o.file ? o.file : `${o.source} (${o.file})`;
    if (o.lines.length === 0) return `No lines${filter ? ` ${filter}` : ""} in ${what}`;
    return [`Last ${plural(o.lines.length, "line")} of ${what}${filter ? ` ${filter}` : ""}${o.truncated ? "; earlier ones left out" : ""}:`, ...indented(o.lines, 50)].join("\n");
  },
});
