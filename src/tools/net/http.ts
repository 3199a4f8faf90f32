/**
 * net.http_request: one HTTP(S) request with a size cap and a deadline. Only
 * http and https are allowed: fetch in Bun also reads file:// and data: URLs,
 * which would turn this into a way around the fs tools' confinement.
 */
import * as v from "valibot";
import { indented } from "../summary";
import { formatBytes, formatMs } from "../units";
import { defineTool } from "../define";
import { elapsedMs, intArg, NetError } from "./common";
import { egressFetch } from "./egress";
import { digestField } from "../redact";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const MAX_BYTES = 10 * 1024 * 1024;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

// RFC 9110 token characters for names; values without CR, LF or NUL (header injection).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

const input = v.pipe(
  v.strictObject({
    method: v.optional(v.picklist(HTTP_METHODS, `must be one of ${HTTP_METHODS.join(", ")}`), "GET"),
    url: v.pipe(
      v.string("must be a string"),
      v.maxLength(8192, "must be at most 8192 characters"),
      v.url("must be an absolute URL such as http://host/path"),
      v.check(isHttpUrl, "must use http or https (other schemes are refused)"),
    ),
    headers: v.optional(
      v.pipe(
        v.record(
          v.pipe(v.string(), v.regex(HEADER_NAME, "header names must be HTTP tokens (letters, digits, - and a few symbols)")),
          v.pipe(v.string("header values must be strings"), v.regex(HEADER_VALUE, "header values must not contain CR, LF or NUL")),
        ),
        v.check((h) => Object.keys(h).length <= 100, "must have at most 100 headers"),
      ),
      {},
    ),
    body: v.optional(v.pipe(v.string("must be a string"), v.maxLength(MAX_BYTES, `must be at most ${MAX_BYTES} characters`), digestField<string>())),
    timeoutMs: v.optional(intArg(1, 60_000, "ms"), 10_000),
    maxBytes: v.optional(intArg(1, MAX_BYTES, "bytes"), 1024 * 1024),
    followRedirects: v.optional(v.boolean("must be true or false"), true),
  }),
  v.forward(
    v.check((a) => a.body === undefined || (a.method !== "GET" && a.method !== "HEAD"), "GET and HEAD requests cannot have a body"),
    ["body"],
  ),
);

/** Reads at most `max` bytes of a body, then stops the transfer; says whether more was there. */
async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      chunks.push(value.subarray(0, max - size));
      size = max;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, truncated };
}

export const netHttpRequest = defineTool({
  name: "net.http_request",
  description:
    "Sends one HTTP or HTTPS request (other URL schemes are refused) and returns status, response headers, the body as text (cut at maxBytes, with truncated set) and timing in ms. timeoutMs covers the whole exchange, body included. It can change remote state (POST, PUT, DELETE) and send data off the machine.",
  input,
  output: v.object({
    url: v.string(),
    status: v.number(),
    statusText: v.string(),
    redirected: v.boolean(),
    headers: v.record(v.string(), v.string()),
    body: v.string(),
    bodyBytes: v.number(),
    truncated: v.boolean(),
    timing: v.object({ headersMs: v.number(), totalMs: v.number() }),
  }),
  // Not read-only: one tool covers every method, and a request can carry data off the machine.
  risk: "medium",
  readOnly: false,
  idempotent: false,
  reversible: false,
  timeoutMs: 65_000,
  async execute(args, ctx) {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new NetError("timeout", "net.http_request", `${args.method} ${args.url}`, `no complete response within ${args.timeoutMs} ms`)), args.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, deadline.signal]);
    const start = performance.now();
    try {
      // Through the egress policy: resolved addresses checked, every redirect too.
      const { res, url, redirected } = await egressFetch(ctx.env, "net.http_request", args.url, { method: args.method, headers: args.headers, body: args.body, signal }, { follow: args.followRedirects });
      const headersMs = elapsedMs(start);
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      const { bytes, truncated } = await readCapped(res.body, args.maxBytes);
      return {
        url,
        status: res.status,
        statusText: res.statusText,
        redirected,
        headers,
        body: new TextDecoder().decode(bytes),
        bodyBytes: bytes.byteLength,
        truncated,
        timing: { headersMs, totalMs: elapsedMs(start) },
      };
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (deadline.signal.aborted) throw deadline.signal.reason;
      if (err instanceof NetError) throw err;
      const code = (err as { code?: unknown }).code;
      const why = err instanceof Error ? err.message : String(err);
      throw new NetError(typeof code === "string" ? code : "failed", "net.http_request", `${args.method} ${args.url}`, why, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  },
  summarize: (o, args) => {
    const head = `${args.method} ${o.url}: HTTP ${o.status}${o.statusText ? ` ${o.statusText}` : ""}, ${formatBytes(o.bodyBytes)}${o.truncated ? " (cut)" : ""} in ${formatMs(o.timing.totalMs)}${o.redirected ? " after a redirect" : ""}`;
    return o.body.trim() ? [head, ...indented(o.body.trim().split("\n"), 10, "head")].join("\n") : head;
  },
});
