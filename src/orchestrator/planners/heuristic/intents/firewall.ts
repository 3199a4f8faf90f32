/**
 * The firewall: open a port (an accept rule), close one (a drop rule), list
 * the rules, take a rule away. A service people name instead of a port
 * ("allow ssh") is its usual TCP port. The management API's own port is
 * never closed (safety.ts).
 */
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, probe, task } from "./common";

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
    // "Stop blocking port 8081": the port is no longer closed.
    `(stop|quit|cease|no longer) (blocking|closing|dropping|denying|rejecting|filtering|firewalling) ${TRAFFIC} [on|to|for|at|via] ${PORT} <action=open>`,
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

const LETS = "(allow|allows|let through|lets through|let in|lets in|permit|permits|accept|accepts|block|blocks|drop|drops|deny|denies|reject|rejects|filter|filters)";
const LETS_PASSIVE = "(blocked|allowed|permitted|accepted|let through|let in|let|open in firewall|closed in firewall|in firewall|denied|filtered|dropped|rejected)";

export const firewallList = defineIntent<Record<string, never>>({
  name: "firewall-rules",
  summary: "show the firewall rules",
  examples: ["show the firewall rules", "which ports are blocked?", "is the firewall on?"],
  forms: [
    "@show [the] [current|active] firewall [rules|status|config|configuration|settings|table|ruleset|rule set|policy]",
    `@what (ports|rules|traffic|connections|services) (are|is) ${LETS_PASSIVE} [(through|by|in|past|on) [the] firewall]`,
    // What the firewall lets through, said with it as the subject: "what does the firewall allow", "which ports does the firewall let through".
    `@what [ports|traffic|connections|services] (does|do) [the] firewall ${LETS}`,
    `@what (is|are) ${LETS_PASSIVE} (through|by|past|in) [the] firewall`,
    `[@show] [the] (ports|traffic|connections) ${LETS_PASSIVE} (through|by|past|in) [the] firewall`,
    // "Allowed ports" are the firewall's; "open ports" are what listens (net.listening).
    "[@show] [the] (allowed|blocked|permitted|denied|filtered|whitelisted|blacklisted) (ports|traffic|connections)",
    "@what (is|are) [the] firewall (letting in|letting through|allowing|blocking|permitting|accepting|dropping|rejecting|filtering)",
    `@what [traffic|ports|connections] (gets|get|goes|go|can get|can go|comes|come|passes|pass|makes it) (through|past|in through) [the] firewall`,
    // "What is blocked": blocking and allowing are the firewall's words ("show me what's blocked and what's allowed").
    `@what [ports] (is|are) (blocked|allowed) [and (what|which ports) (is|are) (blocked|allowed)] [(by|in|through) [the] firewall]`,
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

export interface RuleRemovalArgs {
  ports: number[];
  protocol?: "tcp" | "udp";
  /** Said of a rule that blocks ("the rule blocking port 8081", "the block on 25"). */
  blocking: boolean;
  /** "the rules", "every rule": all the port's rules, not one. */
  all: boolean;
}

interface KeptRule {
  action: "accept" | "drop";
  protocol: "tcp" | "udp";
  port: number;
  from: string | null;
}

const RULE_VERB = "(remove|delete|drop|clear|get rid of|take away|take out|take down|lift|erase|scrap|undo)";
const RULE = "[firewall] (rules! <all=true>|entries! <all=true>|rule|entry)";
const BLOCK = "[firewall] (drop rules! <all=true>|blocks! <all=true>|block|blockage|ban|restriction|drop rule|deny rule|reject rule|blocking rule|block rule|blocking) <blocking=true>";
const ABOUT = "(for|on|of|about|covering|concerning|regarding|against|applying to|that applies to)";
const BLOCKING = "(blocking|that blocks|which blocks|that is blocking|which is blocking|that closes|which closes|closing|dropping|that drops|which drops|denying|that denies|rejecting|that rejects) <blocking=true>";
const ruleName = (r: KeptRule) => `${r.action} ${r.protocol}/${r.port} from ${r.from ?? "anywhere"}`;

/**
 * Taking a firewall rule away. The rules are per port, protocol and source,
 * accept or drop, and the input policy accepts: a drop rule taken away is the
 * port opened for that source (firewall.open takes back the drop rules it
 * covers; the accept rule it leaves changes nothing while no broader drop
 * exists, and the rule looked at is the port's only one). Which rule is
 * meant is read from the rules (a probe): none, an accept rule, or several
 * when one was said, and the goal is refused naming them.
 */
export const firewallRemoveRule = defineIntent<RuleRemovalArgs>({
  name: "firewall-remove-rule",
  summary: "take a firewall rule away",
  examples: ["remove the rule that blocks port 8081", "delete the firewall rule for port 25", "lift the block on port 8081"],
  forms: [
    `${RULE_VERB} [the|that|this|any|all|every] ${RULE} (${ABOUT}|${BLOCKING}) ${PORT}`,
    `${RULE_VERB} [the|that|this|any|all|every] ${BLOCK} (${ABOUT}|${BLOCKING}|to|from) ${PORT}`,
    `${RULE_VERB} [the|that|this] ${PORT} [firewall] (rules! <all=true>|rule|block <blocking=true>|drop rule <blocking=true>)`,
    `${RULE_VERB} ${PORT} from [the] firewall [rules]`,
  ],
  qualifiers: ["(in|from|on) [the] firewall", "(tcp <protocol=tcp>|udp <protocol=udp>|for tcp <protocol=tcp>|for udp <protocol=udp>)"],
  build(c) {
    if (c.conflicting("protocol")) return refuse("it names both tcp and udp; say one protocol per request");
    const specs = c.get<Array<{ port: number; protocol?: "tcp" | "udp" }>>("p") ?? [{ port: c.get<number>("wk")! }];
    const protos = [...specs.map((s) => s.protocol), ...c.all<"tcp" | "udp">("protocol")].filter((p): p is "tcp" | "udp" => p !== undefined);
    if (new Set(protos).size > 1) return refuse("it names both tcp and udp; say one protocol per request");
    const out: RuleRemovalArgs = { ports: [...new Set(specs.map((s) => s.port))], blocking: c.has("blocking"), all: c.has("all") };
    if (protos[0]) out.protocol = protos[0];
    return out;
  },
  describe: (a) => `${a.all ? "the rules" : "the rule"}${a.blocking ? " blocking" : " for"} port${a.ports.length > 1 ? "s" : ""} ${a.ports.join(", ")}${a.protocol ? `/${a.protocol}` : ""}`,
  // The rule taken away is the one the probe saw.
  reusable: false,
  async plan(a, ctx) {
    const r = await probe<{ rules: KeptRule[] }>(ctx, "firewall.list", {});
    if (!r.ok) throw new IntentRefusal(`cannot read the firewall rules to find the one for port ${a.ports.join(", ")} (firewall.list: ${r.message})`);
    const calls = a.ports.map((port) => {
      const rules = r.value.rules.filter((x) => x.port === port && (a.protocol === undefined || x.protocol === a.protocol));
      const proto = a.protocol ? `/${a.protocol}` : "";
      if (rules.length === 0) throw new IntentRefusal(`no firewall rule is about port ${port}${proto}${r.value.rules.length ? ` (the rules: ${r.value.rules.map(ruleName).join(", ")})` : " (there are no rules: every port is open)"}`);
      const drops = rules.filter((x) => x.action === "drop");
      const accepts = rules.filter((x) => x.action === "accept");
      if (a.blocking && drops.length === 0) throw new IntentRefusal(`no rule blocks port ${port}${proto} (its rules: ${rules.map(ruleName).join(", ")})`);
      // No tool takes an accept rule away as such: closing the port puts a drop rule in its place, which is not the same.
      if (!a.blocking && accepts.length) throw new IntentRefusal(`port ${port}${proto} has an accept rule (${accepts.map(ruleName).join(", ")}); no tool takes an accept rule away: undo the call that added it, or say "close port ${port}" to block the port instead`);
      const protocols = new Set(drops.map((x) => x.protocol));
      if (drops.length > 1 && !(a.all && protocols.size === 1)) throw new IntentRefusal(`${drops.length} rules block port ${port} (${drops.map(ruleName).join(", ")}); say which (its source or protocol), or "open port ${port}" to take them all back`);
      // One drop rule: opened for its source. Several (said "the rules"), one protocol: opened from anywhere, which takes them all back.
      const one = drops.length === 1 ? drops[0]! : { ...drops[0]!, from: null };
      const args: Record<string, unknown> = { port };
      if (one.protocol !== "tcp") args.protocol = one.protocol;
      if (one.from !== null) args.from = one.from;
      return call("firewall.open", args, `takes back ${drops.map(ruleName).join(", ")}: firewall.open removes the drop rules it covers (the input policy accepts, so the port is then open${one.from ? ` to ${one.from}` : ""}); undo puts ${drops.length === 1 ? "it" : "them"} back`);
    });
    return [task("firewall-remove-rule", `Take away the rule${calls.length > 1 ? "s" : ""} for port${a.ports.length > 1 ? "s" : ""} ${a.ports.join(", ")}`, "network", calls)];
  },
});
