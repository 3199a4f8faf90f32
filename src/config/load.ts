/**
 * Loading /etc/aios/config.toml. A bad file never stops the boot, and never
 * costs more than what is wrong in it (issue 11):
 *
 * - a bad or unknown key falls back to its own default alone (a bad entry of
 *   [[autonomy.jobs]] or [[pkg.repositories]] is left out alone); every
 *   problem is reported, each with its line;
 * - a file that cannot be used at all (not TOML, a directory, unreadable) is
 *   named and `unusable` says why: the boot then keeps the last good
 *   configuration, which it saves on the data disk at each good boot
 *   (boot/phases/storage.ts);
 * - all of it in time linear in the file.
 */
import { readFileSync, statSync } from "node:fs";
import * as v from "valibot";
import { errorCode } from "../sys/errors";
import { issuePath, issueReason } from "./issues";
import { errorLine, keyLines, statements } from "./lines";
import { ConfigSchema, defaultConfig, type Config } from "./schema";

export interface LoadedConfig {
  config: Config;
  /** One line per problem, ready to print. Empty when the file was good. */
  problems: string[];
  /** Why the file could not be used at all; `config` is then the defaults, and the caller may have a last good one. */
  unusable?: string;
  /** The file's text when it parsed (possibly with bad keys left at their defaults): what to save as the last good one. */
  text?: string;
}

/** `system.hostname: must be ...` for one valibot issue. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  return `${issuePath(issue) ?? "(file)"}: ${issueReason(issue, { object: "a table", key: "key" })}`;
}

/** The line of a TOML syntax error (Bun's errors carry no position); 1 when it cannot be told. */
export function tomlErrorLine(text: string): number {
  return errorLine(text) ?? 1;
}

type Path = Array<string | number>;

/**
 * The setting an issue is about: the path down to the key, or to an entry of
 * an array of tables (a job, a repository); an array of plain values is one
 * setting (fs_roots goes back to its default whole, never to a subset).
 */
function settingPath(raw: unknown, issue: v.BaseIssue<unknown>): Path | null {
  const keys = issue.path?.map((p) => p.key as string | number) ?? [];
  const out: Path = [];
  let at: unknown = raw;
  for (const k of keys) {
    if (Array.isArray(at)) {
      if (at.every((e) => e && typeof e === "object" && !Array.isArray(e))) out.push(k);
      return out.length ? out : null;
    }
    out.push(k);
    at = at && typeof at === "object" ? (at as Record<string, unknown>)[k as string] : undefined;
  }
  return out.length ? out : null;
}

function valueAt(obj: unknown, path: Path): unknown {
  let at = obj;
  for (const k of path) at = at && typeof at === "object" ? (at as Record<string | number, unknown>)[k] : undefined;
  return at;
}

/** Removes the settings at `paths` (array entries by index, all at once, so indices stay right). */
function remove(raw: Record<string, unknown>, paths: Path[]): void {
  const drops = new Map<unknown[], Set<number>>();
  for (const p of paths) {
    const parent = valueAt(raw, p.slice(0, -1));
    const last = p[p.length - 1]!;
    if (Array.isArray(parent)) {
      const s = drops.get(parent) ?? new Set<number>();
      s.add(Number(last));
      drops.set(parent, s);
    } else if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[last as string];
  }
  for (const [arr, idx] of drops) {
    const kept = arr.filter((_, i) => !idx.has(i));
    arr.length = 0;
    arr.push(...kept);
  }
}

function fallback(path: Path, issue: v.BaseIssue<unknown>, defaults: Config): string {
  const isEntry = typeof path[path.length - 1] === "number" || /^\d+$/.test(String(path[path.length - 1]));
  if (isEntry) return "this entry is left out";
  if (issue.type === "strict_object" && issue.expected === "never") return "ignored";
  const d = valueAt(defaults, path);
  if (d === undefined) return "left out";
  return d && typeof d === "object" && !Array.isArray(d) ? "using its defaults" : `using the default (${JSON.stringify(d)})`;
}

type AnySchema = { type: string; kind?: string; entries?: Record<string, AnySchema>; wrapped?: AnySchema; pipe?: AnySchema[]; item?: AnySchema; value?: AnySchema; rest?: AnySchema };

/** The schema inside optional() and pipe() wrappers that holds keys or items. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  for (let s = schema; s; ) {
    if (s.entries || s.item || s.value || s.rest) return s;
    if (s.wrapped) s = s.wrapped;
    else if (s.pipe) s = s.pipe.find((p) => p.kind !== "validation" && p.type !== "unknown" && (p.entries || p.item || p.value || p.rest || p.wrapped || p.pipe));
    else return undefined;
  }
  return undefined;
}

/** The schema of one key or array index below `schema`: a declared entry, a record's value, an object's rest. */
function child(schema: AnySchema | undefined, key: string | number): AnySchema | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  if (typeof key === "number" || /^\d+$/.test(String(key))) return s.item;
  return s.entries?.[key] ?? s.value ?? s.rest;
}

/** The keys a strict object at a path of the configuration declares (undefined: not a strict object). */
function entriesAt(path: Path): Record<string, AnySchema> | undefined {
  let schema: AnySchema | undefined = ConfigSchema as unknown as AnySchema;
  for (const k of path) schema = child(schema, k);
  const s = unwrap(schema);
  return s?.type === "strict_object" ? s.entries : undefined;
}

/**
 * valibot names one unknown key of a strict object per parse; a file with
 * thousands would take as many passes. So the first one seen in a table
 * sends all of that table's unknown keys out at once.
 */
function unknownKeys(raw: unknown, parent: Path): string[] {
  const entries = entriesAt(parent);
  const obj = valueAt(raw, parent);
  if (!entries || !obj || typeof obj !== "object" || Array.isArray(obj)) return [];
  return Object.keys(obj).filter((k) => !Object.hasOwn(entries, k));
}

/**
 * Validates key by key: each pass removes every setting that has an issue,
 * so the rest is kept. Two passes are the rule (a removed table may reveal
 * nothing new); the bound only guards against a schema bug.
 */
function validate(raw: Record<string, unknown>, where: (path: Path) => string): { config: Config; problems: string[] } {
  const problems: string[] = [];
  // Only a file with problems needs the defaults (what a bad key falls back to): a good one skips building them.
  let built: Config | undefined;
  const defaults = () => (built ??= defaultConfig());
  const seen = new Set<string>();
  for (let pass = 0; pass < 32; pass++) {
    const r = v.safeParse(ConfigSchema, raw);
    if (r.success) return { config: r.output, problems };
    const paths: Path[] = [];
    const issuePathOf = (issue: v.BaseIssue<unknown>): Path => issue.path?.map((p) => p.key as string | number) ?? [];
    const swept = new Set<string>();
    for (const issue of r.issues) {
      const path = settingPath(raw, issue);
      if (!path) return { config: defaults(), problems: [...problems, `${describeIssue(issue)}; using the defaults`] };
      const unknown = issue.type === "strict_object" && issue.expected === "never";
      const parentKey = path.slice(0, -1).join(".");
      if (unknown && swept.has(parentKey)) continue; // that table's unknown keys are all out already
      if (unknown) swept.add(parentKey);
      const siblings = unknown ? unknownKeys(raw, path.slice(0, -1)).map((k) => [...path.slice(0, -1), k]) : [];
      const others = siblings.length ? siblings : [path];
      for (const p of others) {
        const key = p.join(".");
        if (seen.has(key)) continue;
        seen.add(key);
        paths.push(p);
        const text = unknown ? `${key}: unknown key; ignored` : `${describeIssue(issue)}; ${fallback(path, issue, defaults())}`;
        problems.push(`${where(unknown ? p : issuePathOf(issue))}${text}`);
      }
    }
    remove(raw, paths);
  }
  return { config: defaults(), problems: [...problems, "the configuration did not settle; using the defaults"] };
}

export function parseConfig(text: string, source: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = Bun.TOML.parse(text);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^TOML Parse error: /, "");
    const unusable = `line ${tomlErrorLine(text)}: not valid TOML: ${reason}`;
    return { config: defaultConfig(), problems: [`config: ${source}: ${unusable}`], unusable };
  }
  // Each key's line is for problems only: scanning the text is skipped for a good file (~80 ms of PID 1's boot under TCG).
  let scanned: Map<string, number> | undefined;
  const where = (path: Path) => {
    const lines = (scanned ??= keyLines(statements(text)));
    for (let n = path.length; n > 0; n--) {
      const line = lines.get(path.slice(0, n).join("."));
      if (line !== undefined) return `line ${line}: `;
    }
    return "";
  };
  const { config, problems } = validate(raw as Record<string, unknown>, where);
  return { config, problems: problems.map((p) => `config: ${source}: ${p}`), text };
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    if (errorCode(err) === "ENOENT") return { config: defaultConfig(), problems: [] };
    const unusable = `cannot be read (${errorCode(err) ?? String(err)})`;
    return { config: defaultConfig(), problems: [`config: ${path}: ${unusable}`], unusable };
  }
  if (!st.isFile()) {
    const unusable = st.isDirectory() ? "is a directory, not a file" : "is not a regular file";
    return { config: defaultConfig(), problems: [`config: ${path}: ${unusable}`], unusable };
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8"); // a few KiB: Bun.file().text() costs ~70 ms more on its first use at boot under TCG
  } catch (err) {
    const unusable = `cannot be read (${errorCode(err) ?? String(err)})`;
    return { config: defaultConfig(), problems: [`config: ${path}: ${unusable}`], unusable };
  }
  return parseConfig(text, path);
}
