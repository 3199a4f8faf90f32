/**
 * Secrets stay out of the ledger, decided when the row is written (issue 11:
 * fs.write content, process.spawn env and output, and the API token read back
 * from /proc/1/cmdline entered the hash-chained ledger for good). Three ways:
 *
 * - by schema: an input field marked `secretField` is stored as "[redacted]",
 *   one marked `digestField` (fs.write content) as its sha256 and size; the
 *   call itself gets the real value, and the undo record keeps the bytes;
 * - by value: secrets aiOS holds (the API token, provider keys) are registered
 *   here and replaced wherever they appear (/proc/1/cmdline, /proc/1/environ);
 * - by pattern: bearer tokens, private keys, well-known API key shapes,
 *   `aios.token=`, `password=`-style pairs.
 *
 * Applied to the audited arguments and results (and the calls table beside
 * them); what the caller receives is never changed. Redacting a row after
 * the fact is redaction.ts's business (over src/memory/ledger.ts).
 */
import * as v from "valibot";
import type { Tool } from "./define";

export const REDACTED = "[redacted]";

/** Marks a field whose value never reaches the ledger: `v.pipe(v.string(), secretField<string>())`. */
export const secretField = <T>() => v.metadata<T, { audit: "secret" }>({ audit: "secret" });
/** Marks a field recorded as {sha256, bytes} instead of its value (file contents): `digestField<string>()`. */
export const digestField = <T>() => v.metadata<T, { audit: "digest" }>({ audit: "digest" });

const known = new Set<string>();

/** A secret aiOS holds, replaced wherever it shows up in what is audited. Short values are ignored (they would match everywhere). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) known.add(value);
}

/** A word start inside JSON text: after a non-word character, or right after an escape such as \n. */
const W = String.raw`(?:(?<=\\[nrtbf"/])|(?<![A-Za-z0-9_]))`;
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[^-]*-----END [A-Z0-9 ]*PRIVATE KEY-----/g, "[redacted private key]"],
  [new RegExp(String.raw`${W}(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}`, "gi"), `$1 ${REDACTED}`],
  [/aios\.token=[^\s"\\\0]+/g, `aios.token=${REDACTED}`],
  [new RegExp(String.raw`${W}(sk-(?:ant-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|glpat-[A-Za-z0-9_-]{20,})`, "g"), REDACTED],
  [new RegExp(String.raw`${W}((?:[A-Za-z0-9_]*_)?(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*)(?!\[redacted)[^\s"\\,;&]{4,}`, "gi"), `$1${REDACTED}`],
];

/** Escapes for a search inside JSON text: the value as it appears between quotes. */
const inJson = (s: string) => JSON.stringify(s).slice(1, -1);

/** Redacts a JSON text in place of its strings' contents; the result is still JSON. */
export function redactJson(json: string): string {
  let out = json;
  for (const s of known) if (out.includes(inJson(s))) out = out.split(inJson(s)).join(REDACTED);
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out;
}

type Marked = "secret" | "digest";

function markOf(schema: unknown): Marked | undefined {
  let s = schema as { pipe?: unknown[]; wrapped?: unknown } | undefined;
  while (s) {
    for (const p of s.pipe ?? []) {
      const m = (p as { type?: string; metadata?: { audit?: Marked } }).type === "metadata" ? (p as { metadata: { audit?: Marked } }).metadata.audit : undefined;
      if (m) return m;
    }
    s = s.wrapped as typeof s;
  }
  return undefined;
}

const marksCache = new WeakMap<Tool, Array<[string, Marked]>>();

/** The marked top-level fields of a tool's input. */
function marks(tool: Tool): Array<[string, Marked]> {
  let m = marksCache.get(tool);
  if (m) return m;
  let schema = tool.input as unknown as { entries?: Record<string, unknown>; pipe?: unknown[] };
  if (!schema.entries && Array.isArray(schema.pipe)) schema = schema.pipe[0] as typeof schema;
  m = [];
  for (const [k, s] of Object.entries(schema.entries ?? {})) {
    const mark = markOf(s);
    if (mark) m.push([k, mark]);
  }
  marksCache.set(tool, m);
  return m;
}

function digest(value: unknown): unknown {
  if (typeof value !== "string") return REDACTED;
  return { sha256: new Bun.CryptoHasher("sha256").update(value).digest("hex"), bytes: Buffer.byteLength(value) };
}

/** The arguments as they may be audited: marked fields replaced, then patterns and known secrets. JSON text. */
export function auditedArgs(tool: Tool, args: unknown, json?: string): string {
  const m = marks(tool);
  let value = args;
  if (m.length && args && typeof args === "object") {
    const copy = { ...(args as Record<string, unknown>) };
    for (const [k, mark] of m) if (Object.hasOwn(copy, k)) copy[k] = mark === "secret" ? REDACTED : digest(copy[k]);
    value = copy;
  }
  return redactJson(value === args && json !== undefined ? json : (JSON.stringify(value) ?? "null"));
}
