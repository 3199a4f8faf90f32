/**
 * Issue 14's server side in the compiled binary, booted under QEMU and reached
 * through the forwarded port with clients no one here wrote: the version and
 * commit compiled in (`aios-init --version` in the guest, GET /api/v1/system),
 * /metrics checked by `promtool check metrics`, the OpenAPI document checked by
 * an OpenAPI validator, MCP through the official SDK client, and a token made
 * with POST /tokens that still holds its role after a poweroff (stored hashed
 * on the data disk).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Validator } from "@seriousme/openapi-schema-validator";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDataImage, ROOT, Vm } from "../harness/vm";

const READY = /aios: ready in \d+ ms/;
const PROMPT = /aios> $/;
const SHELL = /aios-sh# $/;
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const promtool = Bun.which("promtool") ?? Bun.which("promtool", { PATH: "/usr/bin:/usr/local/bin" });

describe("the API's surfaces in the VM", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-vmtest-"));
  const dataImg = freshDataImage(dir);
  let vm: Vm;
  let viewer = "";

  beforeAll(async () => {
    vm = Vm.boot({ dataImg });
    await vm.waitFor(READY, 120_000);
    await vm.waitFor(PROMPT);
  });
  afterAll(async () => {
    await vm.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the version and the commit are compiled in: aios-init --version in the guest, and GET /api/v1/system", async () => {
    const system = (await (await vm.api("/api/v1/system")).json()) as { version: string; commit: string | null };
    expect(system.version).toBe(VERSION);
    expect(system.commit).toMatch(/^[0-9a-f]{7,40}(-dirty)?$/);
    await vm.run("shell", SHELL);
    expect(await vm.run("/usr/sbin/aios-init --version", SHELL)).toContain(`aios-init ${VERSION} (${system.commit})`);
    await vm.run("exit", PROMPT);
  });

  test.skipIf(!promtool)("/metrics passes promtool check metrics and carries the boot phases", async () => {
    const res = await vm.api("/metrics");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^aios_boot_phase_duration_seconds\{phase="services",status="ok"\} [0-9.e-]+$/m);
    expect(text).toMatch(/^aios_http_requests_total\{method="GET",route="\/api\/v1\/system",status="200"\} 1$/m);
    const p = Bun.spawn([promtool!, "check", "metrics"], { stdin: new Blob([text]), stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
    expect(`${out}${err}`.trim()).toBe("");
    expect(code).toBe(0);
  });

  test("the OpenAPI document is valid OpenAPI 3.1 and has every tool", async () => {
    const spec = (await (await vm.api("/api/v1/openapi.json")).json()) as any;
    const result = await new Validator().validate(spec);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(spec.openapi).toMatch(/^3\.1\./);
    const tools = ((await (await vm.api("/api/v1/tools")).json()) as any).tools.map((t: any) => t.name) as string[];
    expect(tools.length).toBeGreaterThan(20);
    for (const name of tools) expect(spec.paths[`/api/v1/tools/${name}`]?.post).toBeDefined();
  });

  test("MCP: the official SDK client lists the tools and calls one through the executor", async () => {
    const client = new Client({ name: "aios-vm-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${vm.port}/mcp`), { requestInit: { headers: { authorization: "Bearer vm-test-token" } } }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("sys.version");
      const r = (await client.callTool({ name: "sys.version", arguments: {} })) as any;
      expect(r.isError ?? false).toBe(false);
      expect(r.structuredContent).toMatchObject({ status: "done" });
      expect(JSON.stringify(r.structuredContent)).toContain(VERSION);
    } finally {
      await client.close();
    }
  });

  test("a viewer token made with POST /tokens reads but does not change; it survives a poweroff", async () => {
    const made = await vm.api("/api/v1/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "grafana", role: "viewer" }) });
    expect(made.status).toBe(201);
    viewer = ((await made.json()) as { token: string }).token;
    const as = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${vm.port}${path}`, { ...init, headers: { authorization: `Bearer ${viewer}`, "content-type": "application/json" } });
    expect((await as("/metrics")).status).toBe(200);
    const refused = await as("/api/v1/goals", { method: "POST", body: JSON.stringify({ goal: "what time is it" }) });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toContain("operator");

    const off = await vm.api("/api/v1/power", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "poweroff" }) });
    expect(off.status).toBe(202);
    expect(await vm.waitExit()).toBe(0);
    const again = Vm.boot({ dataImg });
    try {
      await again.waitFor(READY, 120_000);
      const get = await fetch(`http://127.0.0.1:${again.port}/api/v1/agents`, { headers: { authorization: `Bearer ${viewer}` } });
      expect(get.status).toBe(200);
      const post = await fetch(`http://127.0.0.1:${again.port}/api/v1/power`, { method: "POST", headers: { authorization: `Bearer ${viewer}`, "content-type": "application/json" }, body: JSON.stringify({ action: "poweroff" }) });
      expect(post.status).toBe(403);
    } finally {
      await again.dispose();
    }
  });
});
