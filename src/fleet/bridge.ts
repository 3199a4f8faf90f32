/**
 * The management API over NATS request/reply. A request on
 * `aios.node.<name>.api.<method>.<path tokens>` becomes an HTTP Request for
 * /api/v1/<path> and is answered by the same Hono app as HTTP, with the
 * caller's token from the message's Authorization header: every rule of the
 * API (the bearer token today, roles later) holds over NATS unchanged.
 *
 *   aios.node.web1.api.get.system               GET  /api/v1/system
 *   aios.node.web1.api.post.tools.fs%2Estat     POST /api/v1/tools/fs.stat
 *
 * Path segments are percent-encoded, with `.`, `*` and `>` too, so each is one
 * subject token. The query string travels in the Aios-Query header, the body
 * as the payload; the reply carries Aios-Status and Content-Type headers.
 */
import { Match, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { errorMessage, log } from "../sys";
import { SUBJECTS } from "./subjects";

export const API_PREFIX = "/api/v1";
const METHODS = new Set(["get", "post", "put", "patch", "delete"]);
/** Headers a caller may pass through; anything else (Host, X-Forwarded-For…) is not the caller's to set. */
const PASSED = ["Authorization", "Content-Type", "Accept"];

/** A fetch handler: the Hono app's `fetch`. */
export type FetchHandler = (req: Request) => Response | Promise<Response>;

const encodeToken = (segment: string) => encodeURIComponent(segment).replace(/\./g, "%2E").replace(/\*/g, "%2A").replace(/>/g, "%3E");

/** The subject and query for a call: `("web1", "GET", "/api/v1/tools/fs.stat?x=1")` or a path relative to /api/v1. */
export function apiSubject(node: string, method: string, path: string): { subject: string; query: string } {
  const url = new URL(path, "http://x/");
  let p = url.pathname;
  if (p === API_PREFIX || p.startsWith(`${API_PREFIX}/`)) p = p.slice(API_PREFIX.length);
  const tokens = p.split("/").filter(Boolean).map((s) => encodeToken(decodeURIComponent(s)));
  return { subject: [SUBJECTS.api(node), method.toLowerCase(), ...tokens].join("."), query: url.search.slice(1) };
}

/** The HTTP method and /api/v1 path a subject asks for, or why it is not a call. */
export function requestLine(node: string, subject: string): { method: string; path: string } | { error: string } {
  const prefix = `${SUBJECTS.api(node)}.`;
  if (!subject.startsWith(prefix)) return { error: `${subject}: not an API subject of node ${node}` };
  const [method, ...tokens] = subject.slice(prefix.length).split(".");
  if (!method || !METHODS.has(method)) return { error: `${subject}: the token after "api" must be a method (${[...METHODS].join(", ")})` };
  try {
    return { method: method.toUpperCase(), path: `${API_PREFIX}/${tokens.map((t) => encodeURIComponent(decodeURIComponent(t))).join("/")}` };
  } catch {
    return { error: `${subject}: a path token is not valid percent-encoding` };
  }
}

function reply(msg: Msg, status: number, body: string | Uint8Array, contentType = "application/json"): void {
  const h = natsHeaders();
  h.set("Aios-Status", String(status));
  h.set("Content-Type", contentType);
  msg.respond(body, { headers: h });
}

const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

export async function handleApiMessage(node: string, msg: Msg, app: FetchHandler): Promise<void> {
  if (!msg.reply) return; // a publish without a reply subject asks nothing
  const line = requestLine(node, msg.subject);
  if ("error" in line) return reply(msg, 400, errorBody("bad_subject", line.error));
  const query = msg.headers?.get("Aios-Query", Match.IgnoreCase) ?? "";
  const headers = new Headers({ "Aios-Via": "nats" });
  for (const name of PASSED) {
    const value = msg.headers?.get(name, Match.IgnoreCase);
    if (value) headers.set(name, value);
  }
  const hasBody = line.method !== "GET" && line.method !== "DELETE" && msg.data.length > 0;
  if (hasBody && !headers.has("content-type")) headers.set("content-type", "application/json");
  const req = new Request(`http://${node}.nats${line.path}${query ? `?${query}` : ""}`, { method: line.method, headers, body: hasBody ? msg.data : undefined });
  let res: Response;
  try {
    res = await app(req);
  } catch (err) {
    log.error(`fleet: api ${line.method} ${line.path}: ${errorMessage(err)}`);
    return reply(msg, 500, errorBody("internal", `${line.method} ${line.path}: internal error`));
  }
  const type = res.headers.get("content-type") ?? "application/json";
  if (type.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return reply(msg, 406, errorBody("not_over_nats", `${line.method} ${line.path}: a stream is not served over request/reply; goal events are on ${SUBJECTS.events(node)}`));
  }
  reply(msg, res.status, new Uint8Array(await res.arrayBuffer()), type);
}

/** Answers `aios.node.<node>.api.>` with the app until the subscription is closed. */
export function serveApi(nc: NatsConnection, node: string, app: FetchHandler): Subscription {
  return nc.subscribe(`${SUBJECTS.api(node)}.>`, {
    callback: (err, msg) => {
      if (err) return log.warn(`fleet: api subscription: ${errorMessage(err)}`);
      void handleApiMessage(node, msg, app).catch((e) => log.error(`fleet: api reply: ${errorMessage(e)}`));
    },
  });
}

export interface ApiReply {
  status: number;
  contentType: string;
  body: Uint8Array;
  json<T = unknown>(): T;
}

/** Calls a node's API over NATS: the client half of the bridge. */
export async function callApi(
  nc: NatsConnection,
  node: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<ApiReply> {
  const { subject, query } = apiSubject(node, method, path);
  const h: MsgHdrs = natsHeaders();
  if (query) h.set("Aios-Query", query);
  if (opts.token) h.set("Authorization", `Bearer ${opts.token}`);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload !== undefined) h.set("Content-Type", "application/json");
  const m = await nc.request(subject, payload, { timeout: opts.timeoutMs ?? 10_000, headers: h });
  const body = m.data;
  return {
    status: Number(m.headers?.get("Aios-Status") || 0),
    contentType: m.headers?.get("Content-Type") ?? "",
    body,
    json: <T>() => JSON.parse(new TextDecoder().decode(body)) as T,
  };
}
