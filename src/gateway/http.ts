/**
 * One HTTP attempt at a provider: the POST, its deadline, and turning what
 * went wrong into a ProviderError that says whether to try again. Provider
 * text is redacted before it goes into a message.
 */
import { GatewayError, malformed, ProviderError } from "./errors";
import { seconds } from "./limiter";
import { redact, type Secret } from "./secrets";

/**
 * A per-attempt deadline. For a plain call it bounds the whole exchange; for
 * a stream, `touch()` on every chunk makes it bound the silence between chunks.
 */
export class Deadline {
  private readonly ctl = new AbortController();
  private timer: ReturnType<typeof setTimeout>;
  readonly signal: AbortSignal;

  constructor(
    readonly ms: number,
    caller?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.ctl.abort(new Error("deadline")), ms);
    this.signal = caller ? AbortSignal.any([caller, this.ctl.signal]) : this.ctl.signal;
  }

  get expired(): boolean {
    return this.ctl.signal.aborted;
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.ctl.abort(new Error("deadline")), this.ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

export interface PostOptions {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  deadline: Deadline;
  caller?: AbortSignal;
  key: Secret | null;
}

/** What a failed fetch or body read means: the caller cancelled, the deadline passed, or the network failed. */
export function transportError(o: { provider: string; url: string; deadline: Deadline; caller?: AbortSignal; key: Secret | null }, err: unknown): Error {
  if (o.caller?.aborted) return new GatewayError("aborted", `gateway: call to ${o.provider} cancelled`, { cause: o.caller.reason });
  if (o.deadline.expired) return new ProviderError(o.provider, "timeout", `no answer within ${seconds(o.deadline.ms)}`, { retryable: true });
  const why = redact(err instanceof Error ? err.message : String(err), o.key);
  return new ProviderError(o.provider, "network", `POST ${o.url}: ${why}`, { retryable: true });
}

export async function post(o: PostOptions): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(o.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: (o.body as { stream?: unknown }).stream ? "text/event-stream" : "application/json", "user-agent": "aios-gateway", ...o.headers },
      body: JSON.stringify(o.body),
      signal: o.deadline.signal,
    });
  } catch (err) {
    throw transportError(o, err);
  }
  if (!res.ok) throw await statusError(o, res);
  return res;
}

/** The body of a successful plain answer, parsed. */
export async function readJsonBody(o: PostOptions, res: Response): Promise<unknown> {
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw transportError(o, err);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw malformed(o.provider, `not JSON (${(err as Error).message}): ${snippet(redact(text, o.key))}`);
  }
}

const RETRYABLE = new Set([408, 409, 429]);

async function statusError(o: PostOptions, res: Response): Promise<ProviderError> {
  const text = await res.text().catch(() => "");
  const retryAfterMs = retryAfter(res.headers);
  const { type, message } = errorBody(text);
  const detail = `HTTP ${res.status}${type ? ` ${type}` : ""}: ${snippet(redact(message, o.key)) || res.statusText || "no message"}`;
  let retryable = RETRYABLE.has(res.status) || res.status >= 500;
  // Anthropic says outright whether a retry can help.
  const should = res.headers.get("x-should-retry");
  if (should === "true") retryable = true;
  if (should === "false") retryable = false;
  const code = res.status === 401 || res.status === 403 ? "auth_failed" : [400, 404, 413, 422].includes(res.status) ? "bad_request" : "http_error";
  return new ProviderError(o.provider, code, detail, { retryable, retryAfterMs, status: res.status });
}

/** Both error shapes: Anthropic's {type:"error", error:{type, message}} and OpenAI's {error:{message, type, code}}. */
export function errorBody(text: string): { type?: string; message: string } {
  try {
    const j = JSON.parse(text) as { error?: { type?: unknown; message?: unknown; code?: unknown } | string; message?: unknown };
    if (j && typeof j.error === "object" && j.error) {
      const type = typeof j.error.type === "string" ? j.error.type : typeof j.error.code === "string" ? j.error.code : undefined;
      return { type, message: typeof j.error.message === "string" ? j.error.message : "" };
    }
    if (j && typeof j.error === "string") return { message: j.error }; // Ollama
    if (j && typeof j.message === "string") return { message: j.message };
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  return { message: text };
}

/** retry-after-ms (OpenAI), then retry-after as seconds or an HTTP date. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get("retry-after");
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function snippet(text: string, max = 300): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}
