/**
 * Request bodies: how large, and of what type. Every route takes at most
 * DEFAULT_BODY_BYTES of JSON (`application/json` or `application/*+json`; a
 * body without a Content-Type is read as JSON); a route that needs more, or
 * another type, says so in BODY_RULES by its pattern. Too large is a JSON 413
 * before anything is read (Content-Length) or as soon as a chunked body
 * passes the limit; another type is a 415. Bun.serve admits the largest
 * rule's size (server.ts), so this is where the limits are enforced.
 */
import { HttpError } from "./errors";
import type { Admission } from "./http";

const MiB = 1024 * 1024;
export const DEFAULT_BODY_BYTES = 1 * MiB;
/** The system update upload (src/update): an image streamed to disk, never buffered. */
export const UPDATE_BODY_BYTES = 1024 * MiB;

export interface BodyRule {
  maxBytes: number;
  /** Media types accepted instead of JSON. */
  types?: readonly string[];
}

/** `METHOD /pattern` → what its body may be, where that differs from 1 MiB of JSON. */
export const BODY_RULES: Readonly<Record<string, BodyRule>> = {
  // A document of up to 1,000,000 characters: up to 4 bytes each in UTF-8, 6 as a JSON \u escape.
  "POST /api/v1/memory/documents": { maxBytes: 8 * MiB },
  // Tool arguments: fs.write takes a whole file (base64 for binary), directly or over MCP.
  "POST /api/v1/tools/:name": { maxBytes: 16 * MiB },
  "POST /mcp": { maxBytes: 16 * MiB },
  "PUT /api/v1/system/update": { maxBytes: UPDATE_BODY_BYTES, types: ["application/octet-stream"] },
};

export const MAX_REQUEST_BODY_BYTES = Math.max(DEFAULT_BODY_BYTES, ...Object.values(BODY_RULES).map((r) => r.maxBytes));

const mib = (n: number) => (n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`);
const isJson = (type: string) => type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));

export class BodyTooLargeError extends HttpError {
  constructor(what: string, max: number) {
    super(413, "too_large", `${what}: the body is larger than ${mib(max)}`, { field: "body" });
  }
}

/** A body stream that fails with BodyTooLargeError once more than `max` bytes came through. */
function limited(body: ReadableStream<Uint8Array>, max: number, what: string): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const { done, value } = await reader.read();
      if (done) return ctl.close();
      seen += value.byteLength;
      if (seen > max) {
        ctl.error(new BodyTooLargeError(what, max));
        void reader.cancel().catch(() => {});
        return;
      }
      ctl.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

export function bodyLimits(): Admission {
  return (c, route) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return;
    const raw = c.req.raw;
    const length = c.req.header("content-length");
    if (raw.body === null || length === "0") return;
    const what = `${method} ${route?.path ?? c.req.path}`;
    const rule = route ? BODY_RULES[`${method} ${route.path}`] : undefined;
    const max = rule?.maxBytes ?? DEFAULT_BODY_BYTES;
    if (length !== undefined && !(Number(length) <= max)) throw new BodyTooLargeError(what, max);
    const type = c.req.header("content-type")?.split(";")[0]!.trim().toLowerCase();
    if (type !== undefined && type !== "" && !(rule?.types ? rule.types.includes(type) : isJson(type))) {
      const want = rule?.types?.join(" or ") ?? "application/json";
      throw new HttpError(415, "unsupported_media_type", `content-type: ${what} takes ${want} (got ${JSON.stringify(type.slice(0, 100))})`, { field: "content-type" });
    }
    if (length === undefined) c.req.raw = new Request(raw, { body: limited(raw.body, max, what), duplex: "half" } as RequestInit);
  };
}
