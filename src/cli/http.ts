/**
 * The management API over HTTP with a bearer token: JSON in and out, the
 * API's error shape turned into a CtlError with the right exit code, and goal
 * event streams read as server-sent events.
 */
import { CtlError, EXIT, exitForStatus } from "./errors";
import { type SseEvent, SseParser } from "../gateway/sse";

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string } | string;
}

/** The message of the API's error body (`{"error":{"code","message"}}`, or OpenAI's shape on /v1). */
function errorText(body: unknown, status: number): { code: string; message: string } {
  const e = (body as ErrorBody | null)?.error;
  if (e && typeof e === "object") return { code: e.code ?? `http_${status}`, message: e.message ?? `HTTP ${status}` };
  if (typeof e === "string") return { code: `http_${status}`, message: e };
  return { code: `http_${status}`, message: `HTTP ${status}` };
}

export class Api {
  constructor(
    readonly url: string,
    private readonly token: string | undefined,
    /** Where the token came from, for the 401 hint. */
    private readonly tokenFrom: string | undefined,
    private readonly timeoutMs = 30_000,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { accept: "application/json", ...extra };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    return h;
  }

  private unreachable(err: unknown, timeoutMs = this.timeoutMs): CtlError {
    const e = err as Error & { code?: string };
    const why = e.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (e.code ?? e.message);
    return new CtlError("unreachable", `cannot reach aiOS at ${this.url}: ${why} (is it running? set --url, AIOS_URL or url in ~/.config/aios/config.toml)`, EXIT.unreachable, { cause: err });
  }

  private failure(status: number, body: unknown, what: string): CtlError {
    const { code, message } = errorText(body, status);
    if (status === 401) {
      const hint = this.token ? `the token from ${this.tokenFrom} was refused` : "no token given: --token, AIOS_TOKEN or token in ~/.config/aios/config.toml";
      return new CtlError(code, `${what}: ${message} (${hint})`, EXIT.denied, { body });
    }
    return new CtlError(code, `${what}: ${message}`, exitForStatus(status), { body });
  }

  /**
   * One request. Answers with a status in `accept` are returned; any other 4xx/5xx throws.
   * A Blob body (a Bun.file) is streamed as application/octet-stream, read as it is sent;
   * anything else goes as JSON.
   */
  async request<T>(method: string, path: string, body?: unknown, opts: { accept?: number[]; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ApiAnswer<T>> {
    const what = `${method} ${path}`;
    const raw = body instanceof Blob;
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: this.headers(body === undefined ? {} : { "content-type": raw ? "application/octet-stream" : "application/json" }),
        body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
        signal: opts.signal ?? AbortSignal.timeout(opts.timeoutMs ?? this.timeoutMs),
      });
    } catch (err) {
      throw this.unreachable(err, opts.timeoutMs);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new CtlError("not_aios", `${this.url}${path} answered ${res.status} with something that is not JSON: is ${this.url} an aiOS API?`, EXIT.unreachable);
    }
    if (res.status >= 400 && !opts.accept?.includes(res.status)) throw this.failure(res.status, parsed, what);
    return { status: res.status, body: parsed as T };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>("GET", path)).body;
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return (await this.request<T>("POST", path, body)).body;
  }

  /**
   * Reads a server-sent event stream until it ends or `signal` aborts. A
   * dropped connection is resumed with Last-Event-ID (at most `retries`
   * times in a row); a 204 means the stream is over.
   */
  async events(path: string, onEvent: (e: SseEvent) => void | "stop", signal: AbortSignal, retries = 5): Promise<void> {
    let lastId: string | undefined;
    let failures = 0;
    for (;;) {
      let res: Response;
      try {
        res = await fetch(`${this.url}${path}`, { headers: this.headers({ accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) }), signal });
      } catch (err) {
        if (signal.aborted) return;
        if (++failures > retries) throw this.unreachable(err);
        await Bun.sleep(500 * failures);
        continue;
      }
      if (res.status === 204) return;
      if (res.status >= 400) throw this.failure(res.status, await res.json().catch(() => null), `GET ${path}`);
      let stop = false;
      const parser = new SseParser((e) => {
        if (!stop && onEvent(e) === "stop") stop = true;
      });
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body!) {
          parser.push(decoder.decode(chunk, { stream: true }));
          failures = 0;
          if (stop) return;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (++failures > retries) throw this.unreachable(err);
      }
      if (stop) return;
      lastId = parser.lastId ?? lastId;
      await Bun.sleep(200);
    }
  }
}
