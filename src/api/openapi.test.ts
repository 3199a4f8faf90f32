/**
 * Issue 14, OpenAPI: GET /api/v1/openapi.json over real loopback, checked by
 * a real OpenAPI 3.1 validator (@seriousme/openapi-schema-validator); it
 * covers every route the app serves with the role the table gives it, and
 * its schemas are the very valibot schemas the routes and tools validate with.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { setSink } from "../sys";
import { createApi } from "./app";
import { schemaOf } from "./openapi";
import { ROUTE_ROLES, toolRole } from "./roles";
import { GoalBody } from "./routes/goals";
import { TokenBody } from "./routes/tokens";
import { startApiWorld, type ApiWorld } from "./testing";

const restore = setSink(() => {});
let api: ApiWorld;
let spec: any;
beforeAll(async () => {
  api = await startApiWorld();
  const res = await api.fetch("/api/v1/openapi.json", { token: api.token("viewer") });
  expect(res.status).toBe(200);
  spec = await res.json();
});
afterAll(async () => {
  await api.close();
  setSink(restore);
});

const openApiPath = (p: string) => p.replace(/:([^/]+)/g, "{$1}");

describe("GET /api/v1/openapi.json", () => {
  test("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(spec);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(spec.openapi).toStartWith("3.1");
    expect(spec.info).toMatchObject({ title: "aiOS management API", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  test("covers every route of /api/v1, /v1, /mcp and /metrics, each with its role from the table", () => {
    const w = api.world;
    const app = createApi({ token: () => "t", system: () => ({}) as never, power: () => {}, tools: { registry: w.tools.registry, executor: w.tools.executor, ledger: w.tools.ledger } });
    const routes = app.routes.filter((r) => r.method !== "ALL");
    expect(routes.length).toBeGreaterThan(45);
    for (const r of routes) {
      const op = spec.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
      expect([r.method, r.path, op === undefined]).toEqual([r.method, r.path, false]);
      const role = ROUTE_ROLES[`${r.method} ${r.path}`];
      if (role !== "tool") expect([r.path, op["x-aios-role"]]).toEqual([r.path, role]);
      expect(op.summary.length).toBeGreaterThan(5);
      if (role === "public") expect(op.security).toEqual([]);
      else expect(op.responses["401"]).toBeDefined();
    }
    for (const p of ["/v1/chat/completions", "/v1/embeddings", "/v1/models", "/mcp", "/metrics", "/api/v1/session", "/api/v1/tokens/{id}"]) expect(spec.paths[p]).toBeDefined();
  });

  test("request bodies are the schemas the routes validate with", () => {
    expect(spec.paths["/api/v1/goals"].post.requestBody.content["application/json"].schema).toEqual(schemaOf(GoalBody));
    expect(spec.paths["/api/v1/tokens"].post.requestBody.content["application/json"].schema).toEqual(schemaOf(TokenBody));
    const list = spec.paths["/api/v1/goals"].get;
    expect(list.parameters.map((p: any) => p.name)).toEqual(["limit", "cursor"]);
    expect(list.parameters[0].schema).toEqual({ type: "integer", minimum: 1, maximum: 1000, default: 50 });
    expect(spec.paths["/api/v1/goals/{id}/events"].get.responses["200"].content["text/event-stream"]).toBeDefined();
    expect(spec.paths["/api/v1/tools/{name}"].post.responses["413"]).toBeDefined();
  });

  test("every tool has its own operation with its input and output schemas, risk, flags and role", () => {
    const registry = api.world.tools.registry;
    expect(registry.size).toBeGreaterThan(50);
    for (const t of registry.list()) {
      const op = spec.paths[`/api/v1/tools/${t.name}`]?.post;
      expect([t.name, op?.operationId]).toEqual([t.name, `tool.${t.name}`]);
      expect(op.requestBody.content["application/json"].schema.properties.args).toEqual({ $ref: `#/components/schemas/${t.name}.input` });
      expect(spec.components.schemas[`${t.name}.input`]).toEqual(schemaOf(t.input));
      expect(spec.components.schemas[`${t.name}.output`]).toEqual(schemaOf(t.output));
      expect(op["x-aios-role"]).toBe(toolRole(t));
      expect(op["x-aios-tool"]).toEqual({ risk: t.risk, readOnly: t.readOnly, idempotent: t.idempotent, reversible: t.reversible, timeoutMs: registry.describe(t.name).timeoutMs });
    }
    expect(spec.paths["/api/v1/tools/sys.power"].post["x-aios-role"]).toBe("admin");
    expect(spec.paths["/api/v1/tools/fs.read"].post["x-aios-role"]).toBe("viewer");
  });

  test("needs a token; is the same document on every call", async () => {
    expect((await api.fetch("/api/v1/openapi.json", { token: null })).status).toBe(401);
    expect(await (await api.fetch("/api/v1/openapi.json")).json()).toEqual(spec);
  });
});
