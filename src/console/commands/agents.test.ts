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

/** An agent's CAPABILITIES cell: its row's last column and the indented lines that continue it, one string per line. */
function capabilitiesCell(lines: string[], name: string): string[] {
  const at = lines.findIndex((l) => l.startsWith(`${name} `));
  const column = lines[0]!.indexOf("CAPABILITIES");
  const parts = [lines[at]!.slice(column)];
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith(" "); i++) parts.push(lines[i]!.trim());
  return parts;
}

describe("agents", () => {
  test("a table of every agent, capabilities wrapped within 80 columns, restarts counted", async () => {
    await runtime.ask("crashy", { type: "crash" }).catch(() => {});
    for (let i = 0; i < 200 && runtime.get("crashy")!.status !== "running"; i++) await Bun.sleep(5);
    const text = await run([], () => runtime.list());
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+RESTARTS\s+MAILBOX\s+CAPABILITIES$/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    // Long lists wrap after a comma onto indented lines; read back, they are the sorted capabilities.
    for (const name of ["system", "monitor", "security"]) {
      expect(text).toMatch(new RegExp(`^${name}\\s+running\\s+0\\s+0\\s+\\S`, "m"));
      const cell = capabilitiesCell(lines, name);
      expect(cell.length).toBeGreaterThan(1);
      expect(cell.slice(0, -1).every((part) => part.endsWith(","))).toBe(true);
      expect(cell.join("")).toBe([...runtime.get(name)!.capabilities].sort().join(","));
    }
    expect(text).toMatch(/^network\s+running\s+0\s+0\s+firewall,net$/m);
    expect(text).toMatch(/^crashy\s+running\s+1\s+0\s+fs\.read$/m);
  });

  test("one agent in detail; an unknown name lists the known ones", async () => {
    const text = await run(["security"], () => runtime.list());
    expect(text).toMatch(/^name\s+security$/m);
    expect(text).toContain(`description   ${AGENTS[2]!.description}`);
    expect(text).toMatch(new RegExp(`^capabilities\\s+${[...runtime.get("security")!.capabilities].sort().join(",").replaceAll(".", "\\.")}$`, "m"));
    expect(await run(["nobody"], () => runtime.list())).toBe('agents: no agent "nobody"; agents: system, network, security, monitor, package, storage, task, dev, crashy');
  });

  test("before the agents run", async () => {
    expect(await run([], undefined)).toBe("no agents running");
    expect(await run([], () => [])).toBe("no agents running");
  });
});
