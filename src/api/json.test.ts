import { expect, test } from "bun:test";
import { json } from "./json";

test("json: the body, the status and the headers given, as application/json", async () => {
  const plain = json({ a: [1, "x"] });
  expect([plain.status, plain.headers.get("content-type"), await plain.json()]).toEqual([200, "application/json;charset=utf-8", { a: [1, "x"] }]);
  const err = json({ error: { code: "unauthorized" } }, 401, { "www-authenticate": 'Bearer realm="aios"' });
  expect([err.status, err.headers.get("www-authenticate"), err.headers.get("content-type")]).toEqual([401, 'Bearer realm="aios"', "application/json;charset=utf-8"]);
});

test("json: undefined is an empty body, as Hono's c.json gives; what JSON cannot hold throws", async () => {
  const r = json(undefined, 202);
  expect([r.status, r.headers.get("content-type"), await r.text()]).toEqual([202, "application/json", ""]);
  expect(() => json({ n: 1n })).toThrow(TypeError);
});
