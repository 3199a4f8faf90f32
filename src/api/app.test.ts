import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { buildInfo, setSink, type SystemInfo } from "../sys";
import { createApi } from "./app";
import type { ApiDeps, PowerAction } from "./types";

const TOKEN = "s3cret-token";
const SYSTEM: SystemInfo = {
  pid: 1,
  hostname: "aios",
  timezone: "UTC",
  localTime: "Fri Jan 31 2025 12:00:00 GMT+0000 (Coordinated Universal Time)",
  kernel: "6.6.0",
  uptimeMs: 1234,
  rssBytes: 40 * 1024 * 1024,
  memory: { totalBytes: 2 ** 31, availableBytes: 2 ** 30 },
  boot: { readyMs: 321, phases: [{ name: "early", status: "ok", ms: 2 }, { name: "agents", status: "skipped", ms: 0 }] },
};

const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterAll(() => setSink(previousSink));
beforeEach(() => {
  logs.length = 0;
});

function setup(overrides: Partial<ApiDeps> = {}) {
  const power: PowerAction[] = [];
  const app = createApi({ token: () => TOKEN, system: () => SYSTEM, power: (a) => power.push(a), ...overrides });
  return { app, power };
}

const auth = { authorization: `Bearer ${TOKEN}` };

async function json(res: Response): Promise<unknown> {
  expect(res.headers.get("content-type")).toStartWith("application/json");
  return res.json();
}

function post(app: ReturnType<typeof setup>["app"], body: string | undefined, headers: Record<string, string> = auth) {
  return app.request("/api/v1/power", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await Bun.sleep(10);
}

describe("GET /health", () => {
  test("200 {status: ok} without auth", async () => {
    const res = await setup().app.request("/health");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });

  test("a bad Authorization header does not matter for /health", async () => {
    const res = await setup().app.request("/health", { headers: { authorization: "Bearer wrong" } });
    expect(res.status).toBe(200);
  });
});

describe("GET /api/v1/system", () => {
  test("401 without a token", async () => {
    const res = await setup().app.request("/api/v1/system");
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ error: { code: "unauthorized", message: "authorization: a Bearer token is required" } });
  });

  test("401 with a wrong token, a token of another length, or another scheme", async () => {
    const { app } = setup();
    for (const header of ["Bearer s3cret-tokem", "Bearer x", `Basic ${TOKEN}`, TOKEN]) {
      const res = await app.request("/api/v1/system", { headers: { authorization: header } });
      expect(res.status).toBe(401);
      const body = (await json(res)) as { error: { code: string } };
      expect(body.error.code).toBe("unauthorized");
    }
  });

  test("200 with the right token: deps.system() with the build's version and commit (issue 14)", async () => {
    const res = await setup().app.request("/api/v1/system", { headers: auth });
    expect(res.status).toBe(200);
    const { version, commit, ...rest } = (await json(res)) as Record<string, unknown>;
    expect(rest).toEqual(SYSTEM as unknown as Record<string, unknown>);
    expect(version).toBe(buildInfo().version);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(commit).toBe(buildInfo().commit);
  });

  test("the boot layer's version wins over the build's (an updated image knows its own)", async () => {
    const res = await setup({ system: () => ({ ...SYSTEM, version: "9.9.9", commit: "abc" }) }).app.request("/api/v1/system", { headers: auth });
    expect(await json(res)).toMatchObject({ version: "9.9.9", commit: "abc" });
  });

  test("the scheme is case-insensitive", async () => {
    const res = await setup().app.request("/api/v1/system", { headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  test("the token is read per request (a rotated token takes effect)", async () => {
    let current = "one";
    const { app } = setup({ token: () => current });
    expect((await app.request("/api/v1/system", { headers: { authorization: "Bearer one" } })).status).toBe(200);
    current = "two";
    expect((await app.request("/api/v1/system", { headers: { authorization: "Bearer one" } })).status).toBe(401);
    expect((await app.request("/api/v1/system", { headers: { authorization: "Bearer two" } })).status).toBe(200);
  });

  test("an exception inside deps.system() is a 500 JSON error, logged, not a crash", async () => {
    const { app } = setup({ system: () => { throw new Error("cannot read /proc/meminfo"); } });
    const res = await app.request("/api/v1/system", { headers: auth });
    expect(res.status).toBe(500);
    const id = res.headers.get("x-request-id");
    expect(await json(res)).toEqual({ error: { code: "internal", message: `GET /api/v1/system: internal error (request ${id})` } });
    expect(logs).toEqual([`aios: error: api: GET /api/v1/system: cannot read /proc/meminfo (request ${id})`]);
    // and the app still answers afterwards
    expect((await app.request("/health")).status).toBe(200);
  });
});

describe("POST /api/v1/power", () => {
  test("202 and deps.power is called with the action after a short delay", async () => {
    const { app, power } = setup();
    const res = await post(app, JSON.stringify({ action: "reboot" }));
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ status: "accepted", action: "reboot" });
    expect(power).toEqual([]); // not yet: the 202 must reach the client first
    await waitFor(() => power.length > 0);
    expect(power).toEqual(["reboot"]);
  });

  test("poweroff too", async () => {
    const { app, power } = setup();
    expect((await post(app, '{"action":"poweroff"}')).status).toBe(202);
    await waitFor(() => power.length > 0);
    expect(power).toEqual(["poweroff"]);
  });

  test("401 without a token, and power is never called", async () => {
    const { app, power } = setup();
    expect((await post(app, '{"action":"poweroff"}', {})).status).toBe(401);
    await Bun.sleep(150);
    expect(power).toEqual([]);
  });

  test("400 naming action for a bad value", async () => {
    const { app, power } = setup();
    const res = await post(app, '{"action":"halt"}');
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ error: { code: "bad_request", message: 'action: must be "poweroff" or "reboot" (got "halt")', field: "action" } });
    const wrongType = await post(app, '{"action":5}');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { field: string } }).error.field).toBe("action");
    await Bun.sleep(150);
    expect(power).toEqual([]);
  });

  test("400 naming body for malformed JSON", async () => {
    const res = await post(setup().app, '{"action":');
    expect(res.status).toBe(400);
    const body = (await json(res)) as { error: { code: string; message: string; field: string } };
    expect(body.error.code).toBe("bad_json");
    expect(body.error.field).toBe("body");
    expect(body.error.message).toStartWith("body: malformed JSON: ");
  });

  test("400 naming body for an empty or blank body", async () => {
    for (const b of [undefined, "", "  \n"]) {
      const res = await post(setup().app, b);
      expect(res.status).toBe(400);
      expect(await json(res)).toEqual({ error: { code: "bad_request", message: "body: a JSON object is required", field: "body" } });
    }
  });

  test("400 for an unknown field, naming it", async () => {
    const { app, power } = setup();
    const res = await post(app, '{"action":"reboot","force":true}');
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ error: { code: "bad_request", message: "force: unknown field", field: "force" } });
    await Bun.sleep(150);
    expect(power).toEqual([]);
  });

  // BUG (src/api/routes/power.ts:6-9): strictObject's one message ("unknown field") is used for
  // every issue of the object, so a missing `action` or a non-object body reads "unknown field".
  test("a missing action is not called an unknown field", async () => {
    const res = await post(setup().app, "{}");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe("action");
    expect(body.error.message).not.toContain("unknown field");
  });

  test("a JSON body that is not an object is not called an unknown field", async () => {
    const res = await post(setup().app, '"poweroff"');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe("body");
    expect(body.error.message).not.toContain("unknown field");
  });
});

describe("unknown routes", () => {
  test("404 JSON at the top level", async () => {
    const res = await setup().app.request("/nope");
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: { code: "not_found", message: "GET /nope: no such route" } });
  });

  test("404 JSON under /api/v1 with a token, 401 without", async () => {
    const { app } = setup();
    const res = await app.request("/api/v1/nope", { headers: auth });
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: { code: "not_found", message: "GET /api/v1/nope: no such route" } });
    expect((await app.request("/api/v1/nope")).status).toBe(401);
  });

  test("a wrong method on a known path is a 405 naming the methods in Allow (issue 14)", async () => {
    const res = await setup().app.request("/api/v1/power", { headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(await json(res)).toEqual({ error: { code: "method_not_allowed", message: "GET /api/v1/power: not allowed here; use POST" } });
    const agent = await setup().app.request("/api/v1/agents/x", { method: "DELETE", headers: auth });
    expect([agent.status, agent.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    const options = await setup().app.request("/api/v1/agents", { method: "OPTIONS", headers: auth });
    expect([options.status, options.headers.get("allow")]).toEqual([204, "GET, HEAD"]);
  });

  test("an unknown path is a 404", async () => {
    const res = await setup().app.request("/api/v1/nothing/here", { headers: auth });
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: { code: "not_found", message: "GET /api/v1/nothing/here: no such route" } });
  });
});
