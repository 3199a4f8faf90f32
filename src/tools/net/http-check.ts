/**
 * net.http_check: does a URL answer as expected? GET or HEAD only, so it can
 * never change remote state: the read-only, low-risk check that monitoring
 * and a plan's verification steps use (net.http_request can POST, so it is
 * neither). An unreachable server is a result (ok false, with the reason),
 * unless `assert` asks for the call itself to fail, as a verification step does.
 */
import * as v from "valibot";
import { errorCode } from "../../sys";
import { plural } from "../summary";
import { formatMs } from "../units";
import { defineTool, type ToolEnv } from "../define";
import { elapsedMs, intArg, NetError } from "./common";
import { egressFetch } from "./egress";

const SNIPPET_CHARS = 200;
/** Enough body to look for `contains` in; the rest is not read. */
const READ_BYTES = 256 * 1024;
const RETRY_PAUSE_MS = 250;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

const STATUS_RANGE = /^([1-5]\d\d)-([1-5]\d\d)$/;

/** The statuses that count as ok: one code, a "200-499" range, or by default 200-399. */
export function statusMatches(status: number, expect: number | string | undefined): boolean {
  if (expect === undefined) return status >= 200 && status < 400;
  if (typeof expect === "number") return status === expect;
  const m = STATUS_RANGE.exec(expect)!;
  return status >= Number(m[1]) && status <= Number(m[2]);
}

const input = v.strictObject({
  url: v.pipe(
    v.string("must be a string"),
    v.maxLength(8192, "must be at most 8192 characters"),
    v.url("must be an absolute URL such as http://host/path"),
    v.check(isHttpUrl, "must use http or https (other schemes are refused)"),
  ),
  method: v.optional(v.picklist(["GET", "HEAD"], "must be GET or HEAD (net.http_request sends anything else)"), "GET"),
  expectStatus: v.optional(
    v.union(
      [
        intArg(100, 599),
        v.pipe(
          v.string(),
          v.regex(STATUS_RANGE, "must be a range such as \"200-499\""),
          v.check((s) => Number(s.slice(0, 3)) <= Number(s.slice(4)), "the range must go from low to high"),
        ),
      ],
      "must be a status code (200) or a range (\"200-499\")",
    ),
  ),
  contains: v.optional(v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(1000, "must be at most 1000 characters"))),
  timeoutMs: v.optional(intArg(1, 60_000, "ms"), 5_000),
  /** Keep trying (every 250 ms) until ok or this much time has passed: for a check right after a start. */
  retryMs: v.optional(intArg(0, 120_000, "ms"), 0),
  assert: v.optional(v.boolean("must be true or false"), false),
});

type Args = v.InferOutput<typeof input>;

interface Outcome {
  ok: boolean;
  status: number | null;
  latencyMs: number | null;
  snippet: string;
  reason: string | null;
}

async function readSome(body: ReadableStream<Uint8Array> | null, max: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

async function once(args: Args, signal: AbortSignal, env: ToolEnv): Promise<Outcome> {
  const deadline = AbortSignal.timeout(args.timeoutMs);
  const start = performance.now();
  try {
    const { res } = await egressFetch(env, "net.http_check", args.url, { method: args.method, signal: AbortSignal.any([signal, deadline]) }, { follow: true });
    const latencyMs = elapsedMs(start);
    const text = args.method === "HEAD" ? "" : await readSome(res.body, READ_BYTES);
    const snippet = text.slice(0, SNIPPET_CHARS);
    if (!statusMatches(res.status, args.expectStatus)) {
      return { ok: false, status: res.status, latencyMs, snippet, reason: `status ${res.status}, expected ${args.expectStatus ?? "200-399"}` };
    }
    if (args.contains !== undefined && !text.includes(args.contains)) {
      return { ok: false, status: res.status, latencyMs, snippet, reason: `the body does not contain ${JSON.stringify(args.contains)}` };
    }
    return { ok: true, status: res.status, latencyMs, snippet, reason: null };
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof NetError && err.code === "egress_denied") throw err; // a refusal, never "the server is down"
    const reason = deadline.aborted ? `no answer within ${args.timeoutMs} ms` : (errorCode(err) ?? (err instanceof Error ? err.message : String(err)));
    return { ok: false, status: null, latencyMs: null, snippet: "", reason };
  }
}

export const netHttpCheck = defineTool({
  name: "net.http_check",
  description:
    "Checks that a URL answers: GET or HEAD only (never changes remote state). ok when the status matches expectStatus (a code or a range like \"200-499\"; default 200-399) and the body contains `contains` if given. " +
    "A refused connection or timeout is a result (ok false, reason) unless assert is true, which makes the call fail instead (for verification steps). retryMs keeps trying until ok. snippet: the body's first 200 characters.",
  input,
  output: v.object({
    url: v.string(),
    ok: v.boolean(),
    status: v.nullable(v.number()),
    latencyMs: v.nullable(v.number()),
    snippet: v.string(),
    reason: v.nullable(v.string()),
    attempts: v.number(),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 185_000,
  async execute(args, ctx) {
    const until = performance.now() + args.retryMs;
    let attempts = 0;
    for (;;) {
      attempts++;
      const r = await once(args, ctx.signal, ctx.env);
      if (r.ok || performance.now() + RETRY_PAUSE_MS > until) {
        if (!r.ok && args.assert) throw new NetError("check_failed", "net.http_check", `${args.method} ${args.url}`, `${r.reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`);
        return { url: args.url, ...r, attempts };
      }
      await Bun.sleep(RETRY_PAUSE_MS);
      if (ctx.signal.aborted) throw ctx.signal.reason;
    }
  },
  summarize: (o) =>
    `${o.url} ${o.ok ? "answers" : "does not answer as expected"}: ${o.status === null ? "no HTTP status" : `HTTP ${o.status}`}` +
    `${o.latencyMs !== null ? ` in ${formatMs(o.latencyMs)}` : ""}${o.reason ? ` (${o.reason})` : ""}${o.attempts > 1 ? ` after ${plural(o.attempts, "attempt")}` : ""}`,
});
