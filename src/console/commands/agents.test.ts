import { afterAll, describe, expect, test } from "bun:test";
import { createActorSystem } from "../../actors";
import { AGENTS, type AgentInfo, defineAgent, startAgents } from "../../agents";
import { setSink } from "../../sys";
import { Capabilities, ToolNotFoundError } from "../../tools";
import type { CommandIO, ConsoleDeps } from "../command";
import { agents } from "./agents";

const previousSink = setSink(() => {});
const crashy = defineAgent({ name: "crashy", description: "crashes when told", capabilities: ["fs.read"], handlers: { crash: () => (undefined as unknown as { x: { y: number } }).x.y } });
const runtime = await startAgents({
  agents: [...AGENTS, crashy],
  caller: { call: async (req) => Promise.reject(new ToolNotFoundError(req.tool)) },
  capabilities: new Capabilities(),
  actors: createActorSystem(),
});
afterAll(async () => {
  await runtime.stop();
  setSink(previousSink);
});

async function run(args: string[], list: (() => AgentInfo[]) | undefined): Promise<string> {
  const out: string[] = [];
  const io: CommandIO = { print: (t) => out.push(t), deps: { agents: list } as ConsoleDeps, commands: [agents] };
  await agents.run(args, io);
  return out.join("\n");
}

describe("agents", () => {
  test("a table of every agent, capabilities wrapped within 80 columns, restarts counted", async () => {
    await runtime.ask("crashy", { type: "crash" }).catch(() => {});
    for (let i = 0; i < 200 && runtime.get("crashy")!.status !== "running"; i++) await Bun.sleep(5);
    const text = await run([], () => runtime.list());
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+RESTARTS\s+MAILBOX\s+CAPABILITIES$/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(text).toMatch(/^system\s+running\s+0\s+0\s+fs,hw,log,monitor\.disk,monitor\.memory,\n\s+process,service,sys\.undo,user$/m);
    expect(text).toMatch(/^network\s+running\s+0\s+0\s+net$/m);
    expect(text).toMatch(/^monitor\s+running\s+0\s+0\s+hw\.info,monitor,net\.check_port,$/m);
    expect(text).toMatch(/^\s+net\.http_check,net\.http_request,$/m);
    expect(text).toMatch(/^\s+service\.list,service\.status$/m);
    expect(text).toMatch(/^crashy\s+running\s+1\s+0\s+fs\.read$/m);
  });

  test("one agent in detail; an unknown name lists the known ones", async () => {
    const text = await run(["security"], () => runtime.list());
    expect(text).toMatch(/^name\s+security$/m);
    expect(text).toContain(`description   ${AGENTS[2]!.description}`);
    expect(text).toMatch(/^capabilities\s+fs\.list,fs\.read,fs\.stat,sec$/m);
    expect(await run(["nobody"], () => runtime.list())).toBe('agents: no agent "nobody"; agents: system, network, security, monitor, package, storage, task, dev, crashy');
  });

  test("before the agents run", async () => {
    expect(await run([], undefined)).toBe("no agents running");
    expect(await run([], () => [])).toBe("no agents running");
  });
});
