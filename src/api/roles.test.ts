/**
 * Issue 14, roles: tokens with a role, made and revoked over real HTTP and
 * kept hashed in a real file; the role table enforced on every route; 401
 * with `WWW-Authenticate: Bearer`, 403 naming the role; browser sessions by
 * cookie (HttpOnly, SameSite=Strict, never the token) with the CSRF check.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setSink } from "../sys";
import { createApi } from "./app";
import { ROUTE_ROLES } from "./roles";
import { SessionStore } from "./sessions";
import { BOOT_TOKEN, startApiWorld, type ApiWorld } from "./testing";
import { TokenStore, tokenHash } from "./tokens";

const restore = setSink(() => {});
let api: ApiWorld;
beforeAll(async () => {
  api = await startApiWorld({ level: "supervised" });
});
afterAll(async () => {
  await api.close();
  setSink(restore);
});

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });
/** Bun's toMatchObject writes its asymmetric matchers into the object it checks: check a copy. */
const copy = <T>(x: T): T => structuredClone(x);

describe("the role table", () => {
  test("names every route the app serves (and nothing is left to a default)", () => {
    const w = api.world;
    const app = createApi({ token: () => "t", system: () => ({}) as never, power: () => {}, tools: { registry: w.tools.registry, executor: w.tools.executor, ledger: w.tools.ledger } });
    const routes = new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`));
    const missing = [...routes].filter((r) => !(r in ROUTE_ROLES));
    expect(missing).toEqual([]);
  });
});

describe("tokens", () => {
  test("POST /tokens shows the secret once; GET lists name, role, created, last used; the file holds only hashes", async () => {
    const made = await json(await api.fetch("/api/v1/tokens", { method: "POST", body: JSON.stringify({ name: "ci", role: "operator" }) }));
    expect(made.status).toBe(201);
    expect(copy(made.body)).toMatchObject({ name: "ci", role: "operator", id: expect.stringMatching(/^tok_/), token: expect.stringMatching(/^aios_/), lastUsedAt: null });
    const secret = made.body.token as string;
    const listed = await json(await api.fetch("/api/v1/tokens"));
    const row = listed.body.tokens.find((t: any) => t.id === made.body.id);
    expect(row).toEqual({ id: made.body.id, name: "ci", role: "operator", createdAt: made.body.createdAt, lastUsedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    expect((await api.fetch("/api/v1/agents", { token: secret })).status).toBe(200);
    const used = (await json(await api.fetch("/api/v1/tokens"))).body.tokens.find((t: any) => t.id === made.body.id);
    expect(used.lastUsedAt).toBeGreaterThanOrEqual(made.body.createdAt);

    const file = join(api.world.env.paths.secrets, "api-tokens.json");
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(secret);
    expect(text).toContain(tokenHash(secret));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // What is on the disk is what the next boot knows.
    expect(new TokenStore(file).list().map((t) => t.name)).toContain("ci");
  });

  test("bad bodies name the field; a name is unique; DELETE revokes at once (and a second time is a 404)", async () => {
    for (const [body, field] of [[{ name: "x", role: "root" }, "role"], [{ name: "", role: "viewer" }, "name"], [{ role: "viewer" }, "name"], [{ name: "a/b", role: "viewer" }, "name"]] as const) {
      const r = await json(await api.fetch("/api/v1/tokens", { method: "POST", body: JSON.stringify(body) }));
      expect([r.status, r.body.error.field]).toEqual([400, field]);
    }
    const first = await json(await api.fetch("/api/v1/tokens", { method: "POST", body: JSON.stringify({ name: "twice", role: "viewer" }) }));
    const again = await json(await api.fetch("/api/v1/tokens", { method: "POST", body: JSON.stringify({ name: "twice", role: "viewer" }) }));
    expect([again.status, again.body.error.field]).toEqual([409, "name"]);
    expect((await api.fetch("/api/v1/system", { token: first.body.token })).status).toBe(200);
    const revoked = await json(await api.fetch(`/api/v1/tokens/${first.body.id}`, { method: "DELETE" }));
    expect(revoked).toMatchObject({ status: 200, body: { revoked: { id: first.body.id, name: "twice" } } });
    const after = await api.fetch("/api/v1/system", { token: first.body.token });
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toBe('Bearer realm="aios", error="invalid_token"');
    expect((await api.fetch(`/api/v1/tokens/${first.body.id}`, { method: "DELETE" })).status).toBe(404);
  });
});

describe("401 and 403", () => {
  test("no token, a wrong one, another scheme: 401 with WWW-Authenticate: Bearer", async () => {
    for (const headers of [{}, { authorization: "Bearer nope" }, { authorization: `Basic ${BOOT_TOKEN}` }] as Record<string, string>[]) {
      const res = await api.fetch("/api/v1/goals", { token: null, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toStartWith('Bearer realm="aios"');
      expect(((await res.json()) as any).error.code).toBe("unauthorized");
    }
    // Unknown API paths too: a stranger learns nothing from 404s. /health needs nothing.
    expect((await api.fetch("/api/v1/no/such/thing", { token: null })).status).toBe(401);
    expect((await api.fetch("/health", { token: null })).status).toBe(200);
    expect((await api.fetch("/metrics", { token: null })).status).toBe(401);
  });

  test("a viewer reads everything and changes nothing; 403 names the role missing", async () => {
    const viewer = api.token("viewer");
    for (const path of ["/api/v1/system", "/api/v1/agents", "/api/v1/goals", "/api/v1/audit", "/api/v1/approvals", "/api/v1/tools", "/api/v1/calls", "/api/v1/autonomy", "/metrics", "/api/v1/openapi.json"]) {
      expect([path, (await api.fetch(path, { token: viewer })).status]).toEqual([path, 200]);
    }
    const refused = await json(await api.fetch("/api/v1/goals", { token: viewer, method: "POST", body: JSON.stringify({ goal: "make a directory" }) }));
    expect(refused).toEqual({ status: 403, body: { error: { code: "forbidden", message: "POST /api/v1/goals: needs the operator role (this token's role is viewer)", role: "operator" } } });
    // A read-only tool is a read; a changing one is not.
    expect((await api.fetch("/api/v1/tools/sys.uptime", { token: viewer, method: "POST", body: JSON.stringify({ args: {} }) })).status).toBe(200);
    const write = await json(await api.fetch("/api/v1/tools/fs.write", { token: viewer, method: "POST", body: JSON.stringify({ args: { path: "/srv/v", content: "x" } }) }));
    expect(write).toMatchObject({ status: 403, body: { error: { role: "operator" } } });
    expect((await api.fetch("/api/v1/tokens", { token: viewer })).status).toBe(403);
  });

  test("an operator runs goals and tools within the gate; tokens, power, the level, rules and power tools are the admin's", async () => {
    const op = api.token("operator");
    expect((await api.fetch("/api/v1/goals", { token: op, method: "POST", body: JSON.stringify({ goal: "anything" }) })).status).toBe(202);
    // fs.write is medium risk: at supervised, the gate holds it even for an operator.
    const held = await json(await api.fetch("/api/v1/tools/fs.write", { token: op, method: "POST", body: JSON.stringify({ args: { path: "/srv/op.txt", content: "x", createParents: true } }) }));
    expect(copy(held)).toMatchObject({ status: 202, body: { status: "queued", approvalId: expect.any(String) } });
    // The audit names the operator's token as the person behind the call.
    const queued = api.world.tools.ledger.query({ callId: held.body.callId, kind: "queued" })[0]!;
    expect(queued.data).toMatchObject({ onBehalfOf: expect.stringMatching(/^person:api:operator-/) });
    // Approving it is the operator's to do; remembering a rule is not.
    const remember = await json(await api.fetch(`/api/v1/approvals/${held.body.approvalId}`, { token: op, method: "POST", body: JSON.stringify({ decision: "approve", remember: true }) }));
    expect(remember).toMatchObject({ status: 403, body: { error: { role: "admin" } } });
    const approved = await json(await api.fetch(`/api/v1/approvals/${held.body.approvalId}`, { token: op, method: "POST", body: JSON.stringify({ decision: "approve" }) }));
    expect(approved).toMatchObject({ status: 200, body: { decision: "approve" } });
    expect(api.world.tools.ledger.query({ callId: held.body.callId, kind: "approval" })[0]!.data).toMatchObject({ by: expect.stringMatching(/^api:operator-/) });

    for (const [method, path, body] of [
      ["POST", "/api/v1/tokens", { name: "mine", role: "admin" }],
      ["POST", "/api/v1/power", { action: "poweroff" }],
      ["PUT", "/api/v1/autonomy", { level: "full" }],
      ["POST", "/api/v1/rules", { tool: "fs.write" }],
      ["POST", "/api/v1/tools/sys.power", { args: { action: "poweroff" } }],
      ["POST", "/api/v1/tools/firewall.open", { args: { port: 22 } }],
    ] as const) {
      const r = await json(await api.fetch(path, { token: op, method, body: JSON.stringify(body) }));
      expect([path, r.status, r.body.error.role]).toEqual([path, 403, "admin"]);
    }
  });

  test("an operator cannot approve a held call of a power tool the admin's agent made", async () => {
    const held = await json(await api.fetch("/api/v1/tools/sys.power", { method: "POST", body: JSON.stringify({ args: { action: "reboot" } }) }));
    expect(copy(held)).toMatchObject({ status: 202, body: { status: "queued" } });
    const op = api.token("operator");
    const r = await json(await api.fetch(`/api/v1/approvals/${held.body.approvalId}`, { token: op, method: "POST", body: JSON.stringify({ decision: "approve" }) }));
    expect(r).toMatchObject({ status: 403, body: { error: { role: "admin", message: expect.stringContaining("sys.power") } } });
    // Denying is always safe.
    expect((await api.fetch(`/api/v1/approvals/${held.body.approvalId}`, { token: op, method: "POST", body: JSON.stringify({ decision: "deny" }) })).status).toBe(200);
  });
});

describe("browser sessions", () => {
  const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("aios_session="))!;

  test("POST /session trades a token for an HttpOnly SameSite=Strict cookie holding a random id, never the token", async () => {
    const viewer = api.token("viewer", "browser");
    const res = await api.fetch("/api/v1/session", { token: null, method: "POST", body: JSON.stringify({ token: viewer }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "browser", role: "viewer", via: "session", expiresAt: expect.any(Number) });
    const cookie = cookieOf(res);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure"); // plain http on loopback; https gets Secure
    expect(cookie).not.toContain(viewer);
    const id = /^aios_session=([^;]+)/.exec(cookie)![1]!;
    expect(id.length).toBeGreaterThanOrEqual(40);

    const headers = { cookie: `aios_session=${id}` };
    expect(await (await api.fetch("/api/v1/session", { token: null, headers })).json()).toMatchObject({ name: "browser", role: "viewer", via: "session" });
    expect((await api.fetch("/api/v1/goals", { token: null, headers })).status).toBe(200);
    // The cookie carries the token's role, no more.
    const post = await api.fetch("/api/v1/goals", { token: null, method: "POST", headers: { ...headers, origin: api.url }, body: JSON.stringify({ goal: "x" }) });
    expect(post.status).toBe(403);

    const out = await api.fetch("/api/v1/session", { token: null, method: "DELETE", headers: { ...headers, origin: api.url } });
    expect(out.status).toBe(200);
    expect(cookieOf(out)).toContain("Max-Age=0");
    expect((await api.fetch("/api/v1/goals", { token: null, headers })).status).toBe(401);
  });

  test("a bad token is a 401 and no cookie; the token is never accepted in the URL", async () => {
    const res = await api.fetch("/api/v1/session", { token: null, method: "POST", body: JSON.stringify({ token: "nope" }) });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await api.fetch(`/api/v1/goals?token=${BOOT_TOKEN}`, { token: null })).status).toBe(401);
    expect((await api.fetch(`/api/v1/goals?access_token=${BOOT_TOKEN}`, { token: null })).status).toBe(401);
  });

  test("CSRF: a cookie-authenticated change must come from this origin", async () => {
    const op = api.token("operator", "console");
    const id = /^aios_session=([^;]+)/.exec(cookieOf(await api.fetch("/api/v1/session", { token: null, method: "POST", body: JSON.stringify({ token: op }) })))![1]!;
    const send = (headers: Record<string, string>) => api.fetch("/api/v1/goals", { token: null, method: "POST", headers: { cookie: `aios_session=${id}`, ...headers }, body: JSON.stringify({ goal: "from the console" }) });
    expect((await send({ origin: api.url })).status).toBe(202);
    expect((await send({ "sec-fetch-site": "same-origin" })).status).toBe(202);
    for (const h of [{ origin: "http://evil.example" }, { origin: "null" }, {}, { "sec-fetch-site": "cross-site" }] as Record<string, string>[]) {
      const r = await send(h);
      expect(r.status).toBe(403);
      expect(((await r.json()) as any).error.code).toBe("csrf");
    }
    // Reads need no origin; a bearer request is no browser's and needs none either.
    expect((await api.fetch("/api/v1/goals", { token: null, headers: { cookie: `aios_session=${id}` } })).status).toBe(200);
    expect((await api.fetch("/api/v1/goals", { token: op, method: "POST", body: JSON.stringify({ goal: "from curl" }) })).status).toBe(202);
  });

  test("revoking a token ends the sessions it opened; sessions expire", async () => {
    const made = (await (await api.fetch("/api/v1/tokens", { method: "POST", body: JSON.stringify({ name: "laptop", role: "viewer" }) })).json()) as any;
    const id = /^aios_session=([^;]+)/.exec(cookieOf(await api.fetch("/api/v1/session", { token: null, method: "POST", body: JSON.stringify({ token: made.token }) })))![1]!;
    expect((await api.fetch("/api/v1/system", { token: null, headers: { cookie: `aios_session=${id}` } })).status).toBe(200);
    await api.fetch(`/api/v1/tokens/${made.id}`, { method: "DELETE" });
    expect((await api.fetch("/api/v1/system", { token: null, headers: { cookie: `aios_session=${id}` } })).status).toBe(401);

    let clock = 1_000;
    const store = new SessionStore(5, () => clock);
    const s = store.create({ name: "x", role: "viewer", tokenId: null });
    clock += 4;
    expect(store.get(s.id)).toBeDefined();
    clock += 1;
    expect(store.get(s.id)).toBeUndefined();
  });
});
