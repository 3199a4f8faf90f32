/**
 * Issue 14, MCP: the official SDK client over real loopback HTTP against
 * POST /mcp — tools listed as the token's role allows, a call through the
 * executor (audited, undoable), a held call answering with its approval id,
 * a viewer refused a changing tool, resources for boot phases, goals and the
 * audit, and no way in without a token.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { readFileSync } from "node:fs";
import { setSink } from "../sys";
import { startApiWorld, type ApiWorld } from "./testing";

const restore = setSink(() => {});
let api: ApiWorld;
const clients: Client[] = [];
beforeAll(async () => {
  api = await startApiWorld({ level: "supervised", plans: { directory: { summary: "make a directory", tasks: [{ id: "mk", title: "make /srv/m", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "/srv/m", parents: true } }] }] } } });
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await api.close();
  setSink(restore);
});

async function connect(token: string | null): Promise<Client> {
  const client = new Client({ name: "aios-test", version: "1.0.0" });
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

/** Bun's toMatchObject writes its asymmetric matchers into the object it checks: check a copy. */
const copy = <T>(x: T): T => structuredClone(x);
const text = (r: any) => (r.content as Array<{ type: string; text: string }>).map((c) => c.text).join("");

describe("MCP over Streamable HTTP (official SDK client)", () => {
  test("lists the registry's tools with their schemas; the admin sees them all", async () => {
    const client = await connect(api.token("admin"));
    expect(client.getServerVersion()).toMatchObject({ name: "aios" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(api.world.tools.registry.names());
    const write = tools.find((t) => t.name === "fs.write")!;
    expect(write.description).toContain("Write a whole file");
    expect(write.inputSchema).toMatchObject({ type: "object", properties: { path: { type: "string" }, content: { type: "string" } } });
    expect(write.outputSchema).toMatchObject({ type: "object", properties: { status: { enum: ["done", "queued"] }, result: { type: "object" } } });
    expect(write.annotations).toMatchObject({ readOnlyHint: false });
  });

  test("a call runs through the executor: validated, audited, with its call id and structured result", async () => {
    const client = await connect(api.token("operator"));
    const r = (await client.callTool({ name: "sys.uptime", arguments: {} })) as any;
    expect(r.isError).toBeUndefined();
    expect(copy(r.structuredContent)).toMatchObject({ status: "done", callId: expect.stringMatching(/^c\d+$/), result: { uptimeSeconds: expect.any(Number) } });
    const callId = r.structuredContent.callId;
    const rows = api.world.tools.ledger.query({ callId });
    expect(rows.map((x) => x.kind).sort()).toEqual(["request", "result"]);
    expect(rows.find((x) => x.kind === "request")!.data).toMatchObject({ onBehalfOf: expect.stringMatching(/^person:mcp:operator-/) });
    // Bad arguments are the executor's 400, as a tool error the model can read.
    const bad = (await client.callTool({ name: "fs.read", arguments: { path: 42 } })) as any;
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent).toBeUndefined();
    expect(JSON.parse(text(bad))).toMatchObject({ error: { code: "invalid_input", field: "args.path" } });
  });

  test("a held call returns its approval id; approving it runs it, and it can be undone", async () => {
    const client = await connect(api.token("operator"));
    const r = (await client.callTool({ name: "fs.write", arguments: { path: "/srv/mcp.txt", content: "from mcp\n", createParents: true } })) as any;
    expect(r.isError).toBeUndefined();
    expect(copy(r.structuredContent)).toMatchObject({ status: "queued", approvalId: expect.stringMatching(/^a\d+$/), callId: expect.stringMatching(/^c\d+$/) });
    const { approvalId, callId } = r.structuredContent;
    expect(text(r)).toContain(approvalId);
    expect(api.world.tools.executor.approvals.pending().map((a) => a.approvalId)).toContain(approvalId);
    const approved = await api.fetch(`/api/v1/approvals/${approvalId}`, { method: "POST", body: JSON.stringify({ decision: "approve" }) });
    expect(approved.status).toBe(200);
    expect(readFileSync(api.world.host("/srv/mcp.txt"), "utf8")).toBe("from mcp\n");
    expect((await api.fetch(`/api/v1/calls/${callId}/rollback`, { method: "POST" })).status).toBe(200);
  });

  test("a viewer sees only read-only tools and is refused a changing one, naming the role", async () => {
    const client = await connect(api.token("viewer"));
    const { tools } = await client.listTools();
    const registry = api.world.tools.registry;
    expect(tools.length).toBeGreaterThan(10);
    expect(tools.every((t) => registry.require(t.name).readOnly)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain("fs.write");
    const r = (await client.callTool({ name: "fs.write", arguments: { path: "/srv/no.txt", content: "x" } })) as any;
    expect(r.isError).toBe(true);
    expect(JSON.parse(text(r))).toEqual({ error: { code: "forbidden", message: "fs.write: needs the operator role (this token's role is viewer)", role: "operator" } });
    expect(api.world.tools.ledger.query({ tool: "fs.write" }).some((x) => JSON.stringify(x.data).includes("/srv/no.txt"))).toBe(false);
    // An operator may not reach a power tool either.
    const op = await connect(api.token("operator"));
    expect((await op.listTools()).tools.map((t) => t.name)).not.toContain("sys.power");
  });

  test("resources: boot phases, goals, one goal, the audit", async () => {
    const goal = (await (await api.fetch("/api/v1/goals", { method: "POST", body: JSON.stringify({ goal: "make a directory" }) })).json()) as any;
    await api.world.until(goal.id, ["done", "failed", "awaiting_approval"]);
    const client = await connect(api.token("viewer"));
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["aios://boot/phases", "aios://goals", "aios://audit"]);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(["aios://goals/{id}"]);
    const read = async (uri: string) => JSON.parse(((await client.readResource({ uri })).contents[0] as { text: string }).text);
    expect(await read("aios://boot/phases")).toMatchObject({ readyMs: 1234, phases: [{ name: "early", status: "ok", ms: 12 }, { name: "services", status: "ok", ms: 345 }] });
    expect((await read("aios://goals")).goals[0]).toMatchObject({ id: goal.id, goal: "make a directory" });
    expect(await read(`aios://goals/${goal.id}`)).toMatchObject({ id: goal.id, trace: expect.any(Array) });
    expect((await read("aios://audit")).rows.length).toBeGreaterThan(0);
    await expect(client.readResource({ uri: "aios://goals/999999" })).rejects.toThrow(/no such resource/);
  });

  test("no token, no session: 401 before any MCP", async () => {
    await expect(connect(null)).rejects.toThrow();
    const res = await api.fetch("/mcp", { token: null, method: "POST", headers: { accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toStartWith("Bearer");
    // Stateless: no server-to-client stream.
    const get = await api.fetch("/mcp");
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
  });
});
