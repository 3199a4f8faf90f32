/**
 * A model may word a goal's answer, never invent a figure: the gateway
 * phraser against the fake model server (the real Anthropic wire format over
 * loopback), in the real engine. A wording that keeps every figure is the
 * answer; one with a figure the tools did not report, or a failing model,
 * leaves the composed answer, and the trace says why.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { gatewayKit, type Kit, removeKit } from "../../test/fakes/gateway-kit";
import { type FakeLlm, startFakeLlm } from "../../test/fakes/llm-server";
import { setSink } from "../sys";
import { gatewayPhraser, keepsFigures, PHRASE_RULES } from "./phrase";
import type { Plan } from "./plan";
import { fixedPlanner, openWorld, removeWorld, type World } from "./testing";

setSink(() => {});
const KEY = "sk-ant-test-phrase-key-0123456789";
let llm: FakeLlm;
let kit: Kit | undefined;
let world: World | undefined;
beforeAll(() => {
  llm = startFakeLlm({ keys: { anthropic: KEY } });
});
afterEach(async () => {
  if (world) {
    await world.close();
    removeWorld(world);
  }
  if (kit) removeKit(kit);
  world = kit = undefined;
  llm.requests.length = 0;
});
afterAll(() => llm.stop());

describe("keepsFigures", () => {
  const facts = "Top memory: nginx 12.3 MiB (pid 412), aios-init 61.0 MiB (pid 1)\nPort 22 on 127.0.0.1 is closed";
  test("the same figures, reworded, are kept", () => {
    expect(keepsFigures("nginx uses the most memory, 12.3 MiB as pid 412; aios-init takes 61.0 MiB. Port 22 on 127.0.0.1 is closed.", facts)).toBe(true);
    expect(keepsFigures("No process was found.", "No process matching \"x\" is running")).toBe(true);
  });
  test("a figure the facts do not have, or one with another unit, is not", () => {
    expect(keepsFigures("nginx uses 12.4 MiB", facts)).toBe(false);
    expect(keepsFigures("nginx uses 12.3 GiB", facts)).toBe(false);
    expect(keepsFigures("nginx runs as pid 413", facts)).toBe(false);
    expect(keepsFigures("three processes use memory", facts)).toBe(false);
    expect(keepsFigures("Port 2222 is closed", facts)).toBe(false);
  });
});

const PLAN: Plan = { summary: "write a note", tasks: [{ id: "w", title: "write", dependsOn: [], calls: [{ tool: "fs.write", args: { path: "/srv/note.txt", content: "hello\n", createParents: true } }] }] };
const FACTS = "Wrote 6 B to /srv/note.txt (a new file)";

async function run(): Promise<{ answer: string | null; trace: string[]; result: unknown }> {
  kit = gatewayKit(`[api.claude]\nbase_url = "${llm.url}"\nmonthly_budget_usd = 5\nmax_retries = 0\n`, { keys: { claude: KEY } });
  world = await openWorld({ planners: [fixedPlanner("script", PLAN)], phrasers: [gatewayPhraser(() => kit!.gateway)] });
  const g = world.engine.submit({ goal: "write hello to /srv/note.txt" });
  await world.until(g.id, ["done", "failed"]);
  const after = world.engine.get(g.id)!;
  return { answer: after.answer, trace: world.engine.trace(g.id).map((e) => e.message), result: after.result };
}

describe("the gateway words the answer", () => {
  test("a wording that keeps the figures is the answer; the composed facts stay in the result", async () => {
    llm.script("anthropic", { text: "Done: /srv/note.txt is a new file holding 6 B." });
    const r = await run();
    expect(r.answer).toBe("Done: /srv/note.txt is a new file holding 6 B.");
    expect(r.result).toMatchObject({ facts: FACTS });
    expect(r.trace).toContain("answer worded by gateway; its figures are the tools'");
    const body = llm.requests[0]!.body as { system: unknown; messages: Array<{ content: unknown }> };
    expect(JSON.stringify(body.system)).toContain(PHRASE_RULES.slice(0, 40));
    expect(JSON.stringify(body.messages)).toContain(FACTS);
  });

  test("a wording with an invented figure is dropped for the composed answer", async () => {
    llm.script("anthropic", { text: "Wrote 60 B to /srv/note.txt." });
    const r = await run();
    expect(r.answer).toBe(FACTS);
    expect(r.trace).toContain("kept the composed answer: gateway's wording has a figure the tools did not report");
  });

  test("a failing model leaves the composed answer", async () => {
    llm.script("anthropic", { status: 500, errorType: "api_error", message: "boom" });
    const r = await run();
    expect(r.answer).toBe(FACTS);
    expect(r.trace.find((m) => m.startsWith("kept the composed answer: gateway:"))).toBeDefined();
  });
});
