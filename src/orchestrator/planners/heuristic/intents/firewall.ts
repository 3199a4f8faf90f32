/**
 * The firewall: open a port (an accept rule), close one (a drop rule), list
 * the rules. A service people name instead of a port ("allow ssh") is its
 * usual TCP port. The management API's own port is never closed (safety.ts).
 */
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

export interface FirewallArgs {
  action: "open" | "close";
  ports: number[];
  protocol?: "tcp" | "udp";
  from?: string;
}

/** "udp traffic", "incoming tcp connections", "traffic from 10.0.0.0/8": what a rule matches, before its port. */
const TRAFFIC = "[(tcp <protocol=tcp>|udp <protocol=udp>)] [incoming|inbound] [(tcp <protocol=tcp>|udp <protocol=udp>)] [traffic|connections|access|requests|packets|datagrams] [(from|coming from) [address|network|host|subnet|ip] {from:cidr}]";
const PORT = "({p:portspecs}|(port|ports) {p:portspecs}|{wk:wellknown} [port]|port {wk:wellknown})";

export const firewallPort = defineIntent<FirewallArgs>({
  name: "firewall-port",
  summary: "open or close a port in the firewall",
  examples: ["open port 443", "allow ssh through the firewall", "block port 23", "allow port 5432 from 10.0.0.0/8"],
  forms: [
    `(open|open up|allow|unblock|permit|accept|whitelist|let through|let in) ${TRAFFIC} [on|to|for|through|at|via] ${PORT} <action=open>`,
    `(close|block|deny|drop|reject|forbid|disallow|shut|blacklist|firewall) ${TRAFFIC} [on|to|for|at|via] ${PORT} <action=close>`,
    `(allow|permit|let) ${TRAFFIC} (to|on|for|into) ${PORT} <action=open>`,
    `(let|allow|permit) ${TRAFFIC} (through|in) [the firewall] [on|to|for|at|via] ${PORT} <action=open>`,
    `(block|deny|stop) ${TRAFFIC} (to|on|for|into) ${PORT} <action=close>`,
    `(make|set) ${PORT} (open|reachable|accessible) [in the firewall] <action=open>`,
  ],
  qualifiers: [
    "(in|on|through|to|at|via) [the] firewall",
    "(from|for|only from|coming from) [address|network|host|subnet|ip] {from:cidr}",
    "(tcp <protocol=tcp>|udp <protocol=udp>|over tcp <protocol=tcp>|over udp <protocol=udp>|for tcp <protocol=tcp>|for udp <protocol=udp>)",
    "(for|to) (incoming|inbound) (traffic|connections)",
    "(from|to) (outside|the outside|the internet|the world|anywhere|everyone|the network)",
  ],
  build(c) {
    if (c.conflicting("action")) return refuse("it says both to open and to close");
    if (c.conflicting("from")) return refuse("it names two sources; say one per request");
    const specs = c.get<Array<{ port: number; protocol?: "tcp" | "udp" }>>("p") ?? [{ port: c.get<number>("wk")! }];
    const protos = [...specs.map((s) => s.protocol), ...c.all<"tcp" | "udp">("protocol")].filter((p): p is "tcp" | "udp" => p !== undefined);
    if (new Set(protos).size > 1) return refuse("it names both tcp and udp; say one protocol per request");
    const out: FirewallArgs = { action: c.get<"open" | "close">("action")!, ports: [...new Set(specs.map((s) => s.port))] };
    if (protos[0]) out.protocol = protos[0];
    if (c.has("from")) out.from = c.get<string>("from")!;
    return out;
  },
  object: (a) => `port${a.ports.length > 1 ? "s" : ""} ${a.ports.join(" and ")}`,
  describe: (a) => `${a.action} ${a.ports.join(", ")}/${a.protocol ?? "tcp"}${a.from ? ` from ${a.from}` : ""}`,
  async plan(a) {
    const { action, ports, ...rest } = a;
    const tool = action === "open" ? "firewall.open" : "firewall.close";
    return [task(`firewall-${action}`, `${action === "open" ? "Open" : "Close"} port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}/${a.protocol ?? "tcp"}`, "network", ports.map((port) => call(tool, { port, ...rest }, "kept on the data disk and restored at boot; undo removes the rule")))];
  },
});

export const firewallList = defineIntent<Record<string, never>>({
  name: "firewall-rules",
  summary: "show the firewall rules",
  examples: ["show the firewall rules", "which ports are blocked?", "is the firewall on?"],
  forms: [
    "@show [the] [current|active] firewall [rules|status|config|configuration|settings|table|ruleset|rule set|policy]",
    "@what (ports|rules|traffic) (are|is) (blocked|allowed|open in firewall|closed in firewall|in firewall|denied|filtered)",
    "@what [are|is] [the] firewall (rules|settings|status|policy|config)",
    "(is|are) [the] firewall (on|up|enabled|active|running|configured)",
    "(nft list ruleset|iptables -L|iptables -S|ufw status)",
  ],
  build: () => ({}),
  describe: () => "firewall rules",
  async plan() {
    return [task("firewall-list", "Show the firewall rules", "network", [call("firewall.list", {})])];
  },
});
