/**
 * The console's one way to the API. Signing in exchanges the token for the
 * session cookie (POST /api/v1/session: HttpOnly, SameSite=Strict), so the
 * token is never kept by the page — not in a URL, not in storage. Against a
 * build without sessions (404 there) the token is held in this module's
 * memory only and sent as a bearer header; a reload asks for it again.
 */
import { SseParser } from "../../gateway/sse";

export type Role = "admin" | "operator" | "viewer";
export interface Session {
  role: Role;
  /** How requests authenticate: the session cookie, or (older builds) a bearer token held in memory. */
  mode: "cookie" | "bearer";
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = `http_${status}`,
    readonly field?: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

let bearer: string | undefined;
let onSignedOut: () => void = () => {};

/** Called when the API says the session is gone (401). */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

function headers(body: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: "application/json" };
  if (body) h["content-type"] = "application/json";
  if (bearer) h.authorization = `Bearer ${bearer}`;
  return h;
}

export interface Answer<T> {
  status: number;
  body: T;
}

/** One request; an error status throws ApiError with the API's message, except those in `accept`. */
export async function request<T>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "aiOS does not answer (network error)", "unreachable");
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (res.status >= 400 && !accept.includes(res.status)) {
    const e = (parsed as { error?: { message?: string; code?: string; field?: string } } | null)?.error;
    const err = new ApiError(res.status, e?.message ?? `${method} ${path}: HTTP ${res.status}`, e?.code, e?.field, parsed);
    if (res.status === 401 && !path.endsWith("/session")) onSignedOut();
    throw err;
  }
  return { status: res.status, body: parsed as T };
}

export const get = async <T>(path: string) => (await request<T>("GET", path)).body;
export const post = async <T>(path: string, body: unknown = {}) => (await request<T>("POST", path, body)).body;

const asRole = (r: unknown): Role => (r === "operator" || r === "viewer" ? r : "admin");

/** The session this browser holds, if any (a reload keeps the cookie). */
export async function currentSession(): Promise<Session | null> {
  try {
    const r = await request<{ role?: string }>("GET", "/api/v1/session", undefined, [401, 404, 405]);
    return r.status === 200 ? { role: asRole(r.body?.role), mode: "cookie" } : null;
  } catch {
    return null;
  }
}

export async function signIn(token: string): Promise<Session> {
  // The token goes in the body and as the bearer header: the exchange needs no other credential.
  bearer = token;
  let r: Answer<{ role?: string } | null>;
  try {
    r = await request<{ role?: string } | null>("POST", "/api/v1/session", { token }, [401, 403, 404, 405]);
  } finally {
    bearer = undefined;
  }
  if (r.status >= 200 && r.status < 300) return { role: asRole(r.body?.role), mode: "cookie" };
  if (r.status === 401 || r.status === 403) throw new ApiError(r.status, "That token was not accepted.");
  // No session endpoint in this build: check the token and keep it in memory only.
  bearer = token;
  try {
    await request("GET", "/api/v1/system");
  } catch (err) {
    bearer = undefined;
    throw err instanceof ApiError && err.status === 401 ? new ApiError(401, "That token was not accepted.") : err;
  }
  return { role: "admin", mode: "bearer" };
}

export async function signOut(): Promise<void> {
  bearer = undefined;
  await request("DELETE", "/api/v1/session", undefined, [401, 404, 405]).catch(() => {});
}

export interface StreamEvent {
  event: string;
  data: string;
  id?: string;
}

/** The trace kinds the orchestrator writes; EventSource hears a named event only when asked for it by name. */
const KINDS = ["submitted", "planning", "planner", "plan", "route", "running", "task", "call", "approval", "outcome", "answer", "rollback", "cancelled", "procedure", "recovered", "probe", "message"];

/**
 * A goal's events, live: EventSource with the session cookie; with a bearer
 * token (no sessions in this build), the same stream read through fetch.
 * Returns a function that stops listening. `end` closes it (the server's
 * 204 on a reconnect would too).
 */
export function stream(path: string, onEvent: (e: StreamEvent) => void, mode: Session["mode"]): () => void {
  if (mode === "cookie") {
    const es = new EventSource(path);
    const relay = (name: string) => (m: MessageEvent) => onEvent({ event: name, data: String(m.data), id: m.lastEventId || undefined });
    for (const k of KINDS) es.addEventListener(k, relay(k) as EventListener);
    es.addEventListener("end", ((m: MessageEvent) => {
      es.close();
      onEvent({ event: "end", data: String(m.data) });
    }) as EventListener);
    return () => es.close();
  }
  const ac = new AbortController();
  void (async () => {
    let lastId: string | undefined;
    for (let tries = 0; tries < 5 && !ac.signal.aborted; tries++) {
      try {
        const res = await fetch(path, { headers: { accept: "text/event-stream", ...headers(false), ...(lastId ? { "last-event-id": lastId } : {}) }, signal: ac.signal });
        if (res.status === 204 || !res.body) return;
        let ended = false;
        const parser = new SseParser((e) => {
          if (e.event === "end") ended = true;
          onEvent(e);
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.push(value);
          tries = 0;
          if (ended) {
            ac.abort();
            return;
          }
        }
        lastId = parser.lastId ?? lastId;
      } catch {
        if (ac.signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return () => ac.abort();
}
