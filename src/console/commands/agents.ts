import type { AgentInfo } from "../../agents";
import { defineCommand } from "../command";
import { table } from "../../sys/text";

const WIDTH = 80;

/** Capabilities joined by commas, wrapped into lines of at most `width`. */
function wrap(caps: string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const c of caps) {
    const next = line ? `${line},${c}` : c;
    if (line && next.length >= width) { // room for the trailing comma
      lines.push(`${line},`);
      line = c;
    } else line = next;
  }
  return [...lines, line];
}

function overview(agents: AgentInfo[]): string {
  const head = ["NAME", "STATUS", "RESTARTS", "MAILBOX"];
  const fixed = head.map((h, i) => Math.max(h.length, ...agents.map((a) => [a.name, a.status, String(a.restarts), String(a.mailboxDepth)][i]!.length)));
  const capWidth = Math.max(20, WIDTH - fixed.reduce((s, w) => s + w + 2, 0));
  const rows: string[][] = [[...head, "CAPABILITIES"]];
  for (const a of agents) {
    const [first = "", ...rest] = wrap(a.capabilities, capWidth);
    rows.push([a.name, a.status, String(a.restarts), String(a.mailboxDepth), first]);
    for (const more of rest) rows.push(["", "", "", "", more]);
  }
  return table(rows);
}

function detail(a: AgentInfo): string {
  return table([
    ["name", a.name],
    ["description", a.description],
    ["status", a.status],
    ["restarts", String(a.restarts)],
    ["mailbox", String(a.mailboxDepth)],
    ...wrap(a.capabilities, WIDTH - 14).map((l, i) => [i ? "" : "capabilities", l]),
  ]);
}

export const agents = defineCommand({
  name: "agents",
  summary: "agents with status, restarts, mailbox depth and capabilities",
  usage: "agents [name]",
  run: ([name], io) => {
    const list = io.deps.agents?.() ?? [];
    if (list.length === 0) return io.print("no agents running");
    if (!name) return io.print(overview(list));
    const one = list.find((a) => a.name === name);
    io.print(one ? detail(one) : `agents: no agent "${name}"; agents: ${list.map((a) => a.name).join(", ")}`);
  },
});
