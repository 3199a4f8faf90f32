import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../config";
import { type Memory, openMemory } from "../../memory";
import { loadCorpus } from "../../memory/testdata/corpus.testing";
import { openGoalStores } from "../../orchestrator";
import type { SystemInfo } from "../../sys";
import { createApi } from "../app";

const TOKEN = "t0ken";
const auth = { authorization: `Bearer ${TOKEN}` };

let dir: string;
let memory: Memory;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aios-mem-api-"));
  memory = openMemory({ working: join(dir, "working.db"), longterm: join(dir, "longterm.db") }, defaultConfig().memory);
  openGoalStores(memory); // as the orchestrator's boot step does: the goal counts join the stats
  await memory.longterm.ingestMany(loadCorpus());
});
afterAll(() => {
  memory.close();
  rmSync(dir, { recursive: true, force: true });
});

const app = (m: Memory | undefined = memory) => createApi({ token: () => TOKEN, system: () => ({}) as SystemInfo, power: () => {}, memory: () => m });
const get = (path: string, m?: Memory) => app(m).request(path, { headers: auth });
const post = (body: unknown) =>
  app().request("/api/v1/memory/documents", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("POST /api/v1/memory/documents", () => {
  test("401 without the token", async () => {
    expect((await app().request("/api/v1/memory/documents", { method: "POST", body: "{}" })).status).toBe(401);
  });

  test("201 with id and chunk count; the same text again: 200, deduplicated, same id", async () => {
    const res = await post({ title: "Zram swap", text: "# Zram\n\nEnable zram-generator for compressed swap in RAM.", source: "notes/zram.md" });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number; chunks: number; deduplicated: boolean; updated: boolean };
    expect(created).toEqual({ id: expect.any(Number), chunks: 1, deduplicated: false, updated: false });
    const again = await post({ title: "Zram swap", text: "# Zram\n\nEnable zram-generator for compressed swap in RAM.", source: "notes/zram.md" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: created.id, chunks: 1, deduplicated: true, updated: false });
    const changed = await post({ title: "Zram swap", text: "# Zram\n\nzramctl shows the compression ratio.", source: "notes/zram.md" });
    expect(await changed.json()).toEqual({ id: created.id, chunks: 1, deduplicated: false, updated: true });
    expect(memory.operational.recentEvents({ kind: "memory.ingest", limit: 1 })[0]!.data).toMatchObject({ id: created.id, updated: true });
  });

  test("400 naming the field for bad bodies", async () => {
    const cases: Array<[unknown, string]> = [
      [{ text: "x" }, "title"],
      [{ title: "   ", text: "x" }, "title"],
      [{ title: "t", text: "" }, "text"],
      [{ title: "t", text: 5 }, "text"],
      [{ title: "t", text: "x", kind: "poem" }, "kind"],
      [{ title: "t", text: "x", extra: 1 }, "extra"],
      [{ title: "t", text: "```\n```" }, "text"],
      ["{not json", "body"],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      const err = ((await res.json()) as { error: { field: string; message: string } }).error;
      expect({ body, field: err.field }).toEqual({ body, field });
      expect(err.message.startsWith(`${field}:`)).toBe(true);
    }
  });
});

describe("GET /api/v1/memory/search", () => {
  test("hits with scores and the retriever that found each; full text only without an embedder", async () => {
    const res = await get("/api/v1/memory/search?q=disable%20password%20authentication&k=2");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { hits: Array<Record<string, unknown>>; retrievers: string[] };
    expect(body.retrievers).toEqual(["fts"]);
    expect(body.hits).toHaveLength(2);
    expect(body.hits[0]).toMatchObject({ title: "Hardening the SSH server", retrievers: ["fts"], documentId: expect.any(Number), chunkId: expect.any(Number) });
    expect(body.hits[0]!.score as number).toBeGreaterThan(body.hits[1]!.score as number);
    expect(body.hits[0]!.text as string).toContain("PasswordAuthentication no");
  });

  test("kind and since filter", async () => {
    await memory.longterm.recordProcedure({ title: "Harden sshd", steps: ["install keys", "PasswordAuthentication no", "sshd -t"] });
    const procs = (await (await get("/api/v1/memory/search?q=sshd&kind=procedure")).json()) as { hits: Array<{ kind: string }> };
    expect(procs.hits.map((h) => h.kind)).toEqual(["procedure"]);
    const future = (await (await get(`/api/v1/memory/search?q=sshd&since=${Date.now() + 60_000}`)).json()) as { hits: unknown[] };
    expect(future.hits).toEqual([]);
    const iso = (await (await get("/api/v1/memory/search?q=sshd&since=2000-01-01T00:00:00Z&kind=document,procedure")).json()) as { hits: unknown[] };
    expect(iso.hits.length).toBeGreaterThan(1);
  });

  test("400 naming the parameter", async () => {
    for (const [query, field] of [
      ["", "q"],
      ["q=%20", "q"],
      ["q=x&k=0", "k"],
      ["q=x&k=101", "k"],
      ["q=x&k=ten", "k"],
      ["q=x&kind=poem", "kind"],
      ["q=x&since=yesterday", "since"],
      [`q=${"x".repeat(1001)}`, "q"],
    ] as const) {
      const res = await get(`/api/v1/memory/search?${query}`);
      expect({ query: query.slice(0, 20), status: res.status }).toEqual({ query: query.slice(0, 20), status: 400 });
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
  });
});

describe("GET /api/v1/memory/stats", () => {
  test("counts, file sizes, no embedding model, buffer fill", async () => {
    const res = await get("/api/v1/memory/stats");
    expect(res.status).toBe(200);
    const s = (await res.json()) as Record<string, any>;
    expect(s.embeddingModel).toBeNull();
    expect(s.documents.document).toBeGreaterThanOrEqual(20);
    expect(s.chunks).toBeGreaterThan(20);
    expect(s.files.longterm.bytes).toBeGreaterThan(0);
    expect(s.files.working.path).toEndWith("working.db");
    expect(s.operational.events.capacity).toBe(10000);
    expect(s.working.goals.pending).toBe(0);
  });

  test("503 when memory is not open", async () => {
    const none = createApi({ token: () => TOKEN, system: () => ({}) as SystemInfo, power: () => {} });
    const r = await none.request("/api/v1/memory/stats", { headers: auth });
    expect(r.status).toBe(503);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("memory_unavailable");
  });
});
