/**
 * Issue 14, HTTP as standard clients expect it, over real loopback: goal
 * event streams a WHATWG EventSource (the `eventsource` package) follows and
 * stops following; Bun's idle timeout not cutting a quiet stream; 405 with
 * Allow; 415; the body limit as a JSON 413 (declared and chunked); errors
 * echoing at most 200 characters; X-Request-Id; cursor pagination.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EventSource } from "eventsource";
import { log, setLogFormat, setSink } from "../sys";
import { startApiWorld, type ApiWorld } from "./testing";

const lines: string[] = [];
const restore = setSink((l) => lines.push(l));
const WRITE = { summary: "write a file", tasks: [{ id: "w", title: "write /srv/sse.txt", dependsOn: [], calls: [{ tool: "fs.write", args: { path: "/srv/sse.txt", content: "x", createParents: true } }] }] };
const MKDIR = { summary: "make a directory", tasks: [{ id: "mk", title: "make /srv/p", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "/srv/p", parents: true } }] }] };
let api: ApiWorld;
beforeAll(async () => {
  // A one-second idle timeout and a heartbeat slower than it: only lifting the timeout keeps a quiet stream open.
  api = await startApiWorld({ level: "supervised", plans: { write: WRITE, directory: MKDIR }, idleTimeoutS: 1, deps: { sseHeartbeatMs: 60_000 } });
});
afterAll(async () => {
  await api.close();
  setSink(restore);
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads an SSE response: events and comments in order, until it ends or `stop` says so. */
async function readSse(res: Response, stop: (seen: { events: SseEvent[]; comments: number }) => boolean = () => false) {
  const seen = { events: [] as SseEvent[], comments: 0, ended: false };
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      seen.ended = true;
      break;
    }
    buf += dec.decode(value, { stream: true });
    let at: number;
    while ((at = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, at);
      buf = buf.slice(at + 2);
      if (block.startsWith(":")) seen.comments++;
      else {
        const ev: SseEvent = {};
        for (const line of block.split("\n")) {
          const m = /^(id|event|data): ?(.*)$/.exec(line);
          if (m) ev[m[1] as keyof SseEvent] = m[2];
        }
        seen.events.push(ev);
      }
    }
    if (stop(seen)) {
      await reader.cancel();
      break;
    }
  }
  return seen;
}

const submit = async (goal: string) => ((await (await api.fetch("/api/v1/goals", { method: "POST", body: JSON.stringify({ goal }) })).json()) as { id: number }).id;

describe("goal event streams", () => {
  test("a quiet stream outlives the idle timeout; every event has an id; it ends with `end`; a reconnect after it gets 204", async () => {
    const id = await submit("write a file");
    await api.world.until(id, ["awaiting_approval"]);
    const res = await api.fetch(`/api/v1/goals/${id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    // The replay comes at once; then the stream stays quiet for 6 s before the approval: Bun's 1 s idle timeout,
    // checked on a 4 s tick, cut such a stream after 4 s before the route lifted it.
    let approved = false;
    const approve = setTimeout(() => {
      approved = true;
      const held = api.world.tools.executor.approvals.pending().find((a) => a.tool === "fs.write")!;
      void api.fetch(`/api/v1/approvals/${held.approvalId}`, { method: "POST", body: JSON.stringify({ decision: "approve" }) });
    }, 6000);
    const seen = await readSse(res, (s) => s.events.at(-1)?.event === "end").catch((err) => ({ error: String(err) }));
    clearTimeout(approve);
    // Not cut while it waited: it went on to the end.
    expect("error" in seen).toBe(false);
    const s = seen as Awaited<ReturnType<typeof readSse>>;
    expect(approved).toBe(true);
    const last = s.events.at(-1)!;
    expect(last).toMatchObject({ event: "end", id: "end" });
    expect(JSON.parse(last.data!)).toMatchObject({ id, state: "done" });
    for (const ev of s.events.slice(0, -1)) expect(ev.id).toMatch(/^\d+$/);
    const ids = s.events.slice(0, -1).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const after = await api.fetch(`/api/v1/goals/${id}/events`, { headers: { "last-event-id": "end" } });
    expect(after.status).toBe(204);

    // Resuming after an id replays only what came after it, then `end`.
    const mid = ids[Math.floor(ids.length / 2)]!;
    const resumed = await readSse(await api.fetch(`/api/v1/goals/${id}/events`, { headers: { "last-event-id": String(mid) } }));
    expect(resumed.events.map((e) => e.id)).toEqual([...ids.filter((n) => n > mid).map(String), "end"]);
    expect(resumed.ended).toBe(true);
    expect((await api.fetch(`/api/v1/goals/${id}/events`, { headers: { "last-event-id": "x'; drop" } })).status).toBe(400);
  }, 20_000);

  test("a heartbeat comment keeps a quiet stream alive", async () => {
    const beat = await startApiWorld({ level: "supervised", plans: { write: WRITE }, deps: { sseHeartbeatMs: 100 } });
    try {
      const id = ((await (await beat.fetch("/api/v1/goals", { method: "POST", body: JSON.stringify({ goal: "write a file" }) })).json()) as { id: number }).id;
      await beat.world.until(id, ["awaiting_approval"]);
      const seen = await readSse(await beat.fetch(`/api/v1/goals/${id}/events`), (s) => s.comments >= 3);
      expect(seen.comments).toBe(3);
      for (const a of beat.world.tools.executor.approvals.pending()) beat.world.tools.executor.approvals.deny(a.approvalId, { by: "test" });
    } finally {
      await beat.close();
    }
  });

  test("a WHATWG EventSource follows a goal to its end and then stops (no reconnect loop)", async () => {
    const id = await submit("make a directory");
    await api.world.until(id, ["done"]);
    const connections: number[] = [];
    const es = new EventSource(`${api.url}/api/v1/goals/${id}/events`, {
      fetch: (input, init) => {
        connections.push(Date.now());
        return fetch(input, { ...init, headers: { ...init?.headers, authorization: "Bearer boot-token-for-tests" } });
      },
    });
    const kinds: string[] = [];
    const done = new Promise<void>((resolve) => {
      es.addEventListener("end", () => kinds.push("end"));
      es.addEventListener("outcome", () => kinds.push("outcome"));
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) resolve();
      };
    });
    await Promise.race([done, Bun.sleep(8000)]);
    expect(es.readyState).toBe(EventSource.CLOSED);
    es.close();
    expect(kinds).toEqual(["outcome", "end"]);
    // The stream, then one reconnect answered 204: EventSource stops there.
    expect(connections.length).toBe(2);
  }, 15_000);
});

describe("methods, types, sizes", () => {
  test("405 with Allow, also under /v1 in OpenAI's shape", async () => {
    const res = await api.fetch("/api/v1/goals/1", { method: "DELETE" });
    expect([res.status, res.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    const v1 = await api.fetch("/v1/models", { method: "POST", body: "{}" });
    expect([v1.status, v1.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    expect(((await v1.json()) as any).error).toMatchObject({ type: "invalid_request_error", code: "method_not_allowed" });
  });

  test("a body that is not JSON is a 415; JSON with a charset or a +json type is fine", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await api.fetch("/api/v1/goals", { method: "POST", headers: { "content-type": type }, body: JSON.stringify({ goal: "x" }) });
      expect([type, res.status]).toEqual([type, 415]);
      expect(((await res.json()) as any).error).toMatchObject({ code: "unsupported_media_type", field: "content-type" });
    }
    for (const type of ["application/json; charset=utf-8", "application/merge-patch+json"]) {
      expect((await api.fetch("/api/v1/goals", { method: "POST", headers: { "content-type": type }, body: JSON.stringify({ goal: "nothing known" }) })).status).toBe(202);
    }
  });

  test("more than 1 MiB is a JSON 413, declared or chunked; a route that needs more says so", async () => {
    const big = JSON.stringify({ goal: "x".repeat(1024 * 1024) });
    const declared = await api.fetch("/api/v1/goals", { method: "POST", body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: { code: "too_large", message: "POST /api/v1/goals: the body is larger than 1 MiB", field: "body" } });
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)));
        c.close();
      },
    });
    const chunked = await api.fetch("/api/v1/goals", { method: "POST", body: chunks, headers: { "content-type": "application/json" } });
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as any).error.code).toBe("too_large");
    // Tool arguments may be a whole file: 2 MiB passes the limit (and reaches the tool's own checks).
    const file = await api.fetch("/api/v1/tools/fs.write", { method: "POST", body: JSON.stringify({ args: { path: "/srv/big.bin", content: "y".repeat(2 * 1024 * 1024), createParents: true } }) });
    expect(file.status).toBe(202); // held by the gate, not refused for its size
  });

  test("errors echo at most 200 characters of what was sent", async () => {
    const huge = "z".repeat(900_000);
    const cases: Array<[string, string, unknown]> = [
      ["POST", "/api/v1/goals", { goal: "x", autonomy: huge }],
      ["POST", "/api/v1/goals", { goal: "x", [huge]: 1 }],
      ["POST", "/api/v1/tools/fs.read", { args: { path: huge } }],
      ["POST", "/api/v1/tools/fs.read", { args: { path: 1, [huge]: 2 } }],
      ["POST", "/v1/embeddings", { model: huge, input: "x" }],
      ["GET", `/api/v1/goals?limit=${"9".repeat(5000)}`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await api.fetch(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      expect([path.slice(0, 40), res.status >= 400]).toEqual([path.slice(0, 40), true]);
      expect([path.slice(0, 40), text.length < 800]).toEqual([path.slice(0, 40), true]);
      const run = /([z9])\1{200,}/.exec(text);
      expect(run).toBeNull();
    }
  });
});

describe("request ids", () => {
  test("generated when absent, kept when sane, replaced when not; returned and logged", async () => {
    const a = await api.fetch("/api/v1/system");
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const b = await api.fetch("/api/v1/system", { headers: { "x-request-id": "trace-42.abc" } });
    expect(b.headers.get("x-request-id")).toBe("trace-42.abc");
    // /health, a refusal before the route and a 404 carry one as well.
    for (const [path, token, status] of [["/health", null, 200], ["/api/v1/system", null, 401], ["/api/v1/nope", undefined, 404]] as const) {
      const r = await api.fetch(path, { token, headers: { "x-request-id": `probe-${status}` } });
      expect([path, r.status, r.headers.get("x-request-id")]).toEqual([path, status, `probe-${status}`]);
      expect((await api.fetch(path, { token })).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const bad of ["has space", "x".repeat(129), "quote\"d"]) {
      const c = await api.fetch("/api/v1/system", { headers: { "x-request-id": bad } });
      expect(c.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Errors carry it too, and JSON log lines written while serving it name it.
    setLogFormat("json");
    try {
      lines.length = 0;
      const held = await api.fetch("/api/v1/tools/fs.write", { method: "POST", headers: { "x-request-id": "req-777" }, body: JSON.stringify({ args: { path: "/srv/logged.txt", content: "x" } }) });
      expect(held.headers.get("x-request-id")).toBe("req-777");
      const line = lines.map((l) => JSON.parse(l)).find((o) => o.component === "tools" && o.msg.includes("waits for approval"));
      expect(line).toMatchObject({ level: "info", component: "tools", requestId: "req-777", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      log.info("outside any request");
      expect(JSON.parse(lines.at(-1)!)).toEqual({ time: expect.any(String), level: "info", component: "aios", msg: "outside any request" });
      const bad = await api.fetch("/api/v1/goals/abc");
      expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      setLogFormat("text");
    }
  });
});

describe("cursor pagination", () => {
  async function walk(path: string, key: string, limit: number): Promise<unknown[][]> {
    const pages: unknown[][] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const body = (await (await api.fetch(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`)).json()) as any;
      pages.push(body[key]);
      cursor = body.next;
      expect(pages.length).toBeLessThan(100);
    } while (cursor);
    return pages;
  }

  test("goals: newest first, `next` until null, every goal once", async () => {
    for (let i = 0; i < 5; i++) await submit(`unknown ${i}`);
    const all = ((await (await api.fetch("/api/v1/goals?limit=1000")).json()) as any).goals.map((g: any) => g.id);
    const pages = await walk("/api/v1/goals", "goals", 2);
    expect(pages.flat().map((g: any) => g.id)).toEqual(all);
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
    expect(((await (await api.fetch("/api/v1/goals?cursor=nonsense")).json()) as any).error.field).toBe("cursor");
  });

  test("calls and audit rows page the same way; the audit's afterSeq gives the rows right after it", async () => {
    const calls = ((await (await api.fetch("/api/v1/calls?limit=1000")).json()) as any).calls.map((c: any) => c.callId);
    expect(calls.length).toBeGreaterThan(3);
    expect((await walk("/api/v1/calls", "calls", 3)).flat().map((c: any) => c.callId)).toEqual(calls);

    const rows = ((await (await api.fetch("/api/v1/audit?limit=10000")).json()) as any).rows.map((r: any) => r.seq);
    expect((await walk("/api/v1/audit", "rows", 4)).flat().map((r: any) => r.seq)).toEqual(rows);
    const after = (await (await api.fetch("/api/v1/audit?afterSeq=2&limit=3")).json()) as any;
    expect(after.rows.map((r: any) => r.seq)).toEqual([5, 4, 3]);
    // Catching up: `next` keeps going forward until the newest row.
    const forward = await walk("/api/v1/audit?afterSeq=0", "rows", 5);
    expect(forward.flatMap((p) => (p as any[]).map((r) => r.seq).reverse())).toEqual([...rows].reverse());
  });

  test("approvals: oldest first, a page at a time", async () => {
    for (let i = 0; i < 3; i++) await api.fetch("/api/v1/tools/fs.write", { method: "POST", body: JSON.stringify({ args: { path: `/srv/q${i}.txt`, content: "x" } }) });
    const all = ((await (await api.fetch("/api/v1/approvals")).json()) as any).approvals.map((a: any) => a.approvalId);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const pages = await walk("/api/v1/approvals", "approvals", 2);
    expect(pages.flat().map((a: any) => a.approvalId)).toEqual(all);
    expect(((await (await api.fetch("/api/v1/approvals?limit=2")).json()) as any).level).toBe("supervised");
  });
});
