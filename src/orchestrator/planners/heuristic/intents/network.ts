/**
 * The network, read-only: is a port or URL answering, ping, DNS, this
 * machine's interfaces and addresses, and which ports it listens on.
 */
import type { Endpoint } from "../domain";
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

export interface CheckArgs {
  ports: Array<{ host: string; port: number }>;
  urls: string[];
}

const STATE = "(open|up|reachable|listening|accessible|answering|responding|working|ok|alive|available|online|running|closed|down|blocked)";

export const checkEndpoint = defineIntent<CheckArgs>({
  name: "check-endpoint",
  summary: "check a port or URL",
  examples: ["check port 80", "is port 22 open on 10.0.2.2?", "check http://127.0.0.1:8080/health", "check that localhost:8080 and port 443 are up", "check ports 80 and 443"],
  forms: [
    `(check|test|verify|probe|try|ping|curl|fetch|get|load|request|hit|open) [that|whether|if] {ep:endpoints} [(is|are) [still] ${STATE}|(returns|answers|responds|works|loads) [200|ok|fine]]`,
    `(is|are) {ep:endpoints} [still] ${STATE}`,
    `(does|do) {ep:endpoints} (answer|respond|work|load|come up|accept connections)`,
    `[can (i|you|we)] (reach|connect to|access|get to) {ep:endpoints}`,
    `@ask {ep:endpoints} (is|are|can be) [still] (${STATE}|reached)`,
    `[@ask] (is|are) {h:host} [still] (${STATE}|reachable) (on|at) port {p:port}`,
    `(check|test|verify|@ask) [if|whether|that] {h:host} (is|are|can be) [still] (${STATE}|reachable|reached) (on|at) port {p:port}`,
    `[can (i|you|we)] (reach|connect to|get to) {h:host} (on|at) port {p:port}`,
  ],
  qualifiers: ["(on|at|of) {host:host}"],
  build(c) {
    // "is example.com reachable on port 443": the host first, the port after.
    const eps = c.get<Endpoint[]>("ep") ?? [{ host: c.get<string>("h")!, port: c.get<number>("p")! }];
    const hosts = c.all<string>("host");
    if (hosts.length > 1) return refuse(`name one host for the ports (found ${hosts.join(", ")})`);
    const out: CheckArgs = { ports: [], urls: [] };
    for (const e of eps) {
      if (e.url) out.urls.push(e.url);
      else if (e.port !== undefined) out.ports.push({ host: e.host ?? hosts[0] ?? "127.0.0.1", port: e.port });
    }
    if (hosts.length && eps.every((e) => e.url || e.host)) return refuse(`${hosts[0]} does not say which port`);
    return out;
  },
  describe: (a) => [...a.ports.map((p) => `port ${p.host}:${p.port}`), ...a.urls.map((u) => `url ${u}`)].join(", "),
  async plan(a) {
    return [
      task("check", `Check ${[...a.ports.map((p) => `${p.host}:${p.port}`), ...a.urls].join(", ")}`, "monitor", [
        ...a.ports.map((p) => call("net.check_port", { host: p.host, port: p.port }, "does a TCP connection succeed (open, closed, timeout or unreachable)")),
        ...a.urls.map((u) => call("net.http_check", { url: u }, "GET: status, latency and the first bytes of the answer")),
      ]),
    ];
  },
});

export const pingHost = defineIntent<{ host: string; count?: number }>({
  name: "ping-host",
  summary: "ping a host",
  examples: ["ping 10.0.2.2", "can I reach example.com?", "is debian.org reachable", "ping example.com 3 times"],
  forms: [
    "ping {host:host}",
    "(send|fire) {count:count} (ping|pings|echo requests) to {host:host}",
    "[can (i|you|we|it|system|machine)] (reach|get to|talk to) {host:host}",
    "can (i|you|we|it|system|machine) (ping|see) {host:host}",
    "can [this|the] (@machine|server|aios) (reach|ping|see|get to|talk to|connect to) {host:host}",
    "(do|does) (i|we|it|you|[this|the] (@machine|server)) have (connectivity|network connectivity|network access|a connection|a route|access) to {host:host}",
    "(is|are) there (connectivity|network connectivity|a connection|a route|network access) to {host:host}",
    "@ask [if|whether] (i|we|you|[this|the] (@machine|server)) can (reach|ping|get to|talk to) {host:host}",
    "(is|are) {host:host} (reachable|up|online|alive|pingable|responding|answering|there|down|unreachable)",
    "@ask [if|whether] (i|we|you) can (reach|ping) {host:host}",
    "@ask {host:host} (is|can be) (reachable|up|online|alive|reached|pinged)",
    "(check|test) (connectivity|connection|reachability|network) (to|with|for) {host:host}",
  ],
  // "from here" reads as "from" (here is a filler): where the ping starts, which is always this machine.
  qualifiers: ["{count:count} (time|times)", "(once <count=1>|twice <count=2>)", "-c {count:count}", "with {count:count} (ping|pings|packets|packet)", "from [this|the] [@machine|server|box]"],
  build(c) {
    const count = c.get<number>("count");
    if (count !== undefined && count > 10) return refuse("at most 10 pings are sent");
    return count === undefined ? { host: c.get<string>("host")! } : { host: c.get<string>("host")!, count };
  },
  describe: (a) => `${a.host}${a.count ? `, ${a.count} times` : ""}`,
  async plan(a) {
    return [task("ping", `Ping ${a.host}`, "network", [call("net.ping", { ...a })])];
  },
});

const TYPES = "(mx <type=MX>|txt <type=TXT>|aaaa <type=AAAA>|ipv6 <type=AAAA>|ns <type=NS>|name server <type=NS>|nameserver <type=NS>|cname <type=CNAME>|ipv4 <type=A>)";

export const resolveName = defineIntent<{ name: string; type?: string }>({
  name: "resolve-name",
  summary: "look a name up in DNS",
  examples: ["resolve example.com", "what is the IP of debian.org?", "look up the MX records for example.com"],
  forms: [
    "(resolve|look up|lookup|nslookup|dig|query) [the] [dns] [record|records] [for|of] {name:host} [(in|via|using|with|through) (dns|the resolver|resolver)]",
    `(resolve|look up|lookup|query|get|@show) [the] [dns] ${TYPES} [record|records] (for|of) {name:host}`,
    `dig ${TYPES} {name:host}`,
    "(look up|lookup|@show|get|find) [the] (ip|address|ip address|addresses|ips|ip addresses|dns record|dns records|dns entry|dns) (of|for) {name:host}",
    "@what [is|are] [the] (ip|address|ip address|addresses|ips|ip addresses|dns record|dns records|dns entry) (of|for|behind) {name:host}",
    `@what [is|are] [the] ${TYPES} [record|records] (of|for) {name:host}`,
    "@what does {name:host} (resolve|point) [to]",
    "where does {name:host} (point|resolve) [to]",
    "dns [lookup|query|resolution] (for|of|on) {name:host}",
    "(check|test|verify|query|try) [the] dns [record|records|entry|entries|resolution] (for|of|on) {name:host}",
    "(does|can) {name:host} (resolve|be resolved) [to (anything|something|an address|an ip|an ip address|any address)]",
    "@ask [if|whether] {name:host} (resolves|can be resolved|is resolvable|has a dns record|has dns records|has a dns entry|is in dns|has an ip|has an ip address|has an address)",
    "(is|are) {name:host} (resolvable|in dns|known to dns)",
    "(does|do) {name:host} have [a|an|any] (dns record|dns records|dns entry|dns entries|ip|ip address|ip addresses|address)",
  ],
  build: (c) => (c.has("type") ? { name: c.get<string>("name")!, type: c.get<string>("type")! } : { name: c.get<string>("name")! }),
  describe: (a) => `${a.name}${a.type ? ` ${a.type}` : ""}`,
  async plan(a) {
    return [task("dns", `Resolve ${a.name}`, "network", [call("net.dns", { ...a })])];
  },
});

const ADDR = "(ip|ip address|ip addresses|address|addresses|ips|ipv4|ipv6|ipv4 address|ipv6 address|mac|mac address|mac addresses|network address|network addresses|local ip|lan ip|private ip)";

export const networkInterfaces = defineIntent<{ name?: string }>({
  name: "network-interfaces",
  summary: "show the network interfaces and addresses",
  examples: ["what's my IP?", "show the network interfaces", "what is the IP address of eth0", "show the default gateway"],
  forms: [
    `@what [is|are] ${ADDR} [(of|on|for) {name:iface}]`,
    `@what ${ADDR} (do i have|does it have|does machine have|have i got|is configured|are configured|is assigned|am i using)`,
    // The machine as the subject: "what IPs does the server have", "what's this host's address", "which addresses is this box using".
    `@what ${ADDR} (do|does|did) (we|@here) (have|use|get|own|got)`,
    `@what ${ADDR} (has|have) (we|@here) [got]`,
    `@what ${ADDR} (is|are) (we|@here) (using|on|assigned|given|configured with|reachable at|reachable on|listening on|known by)`,
    `@what [is|are] @here ${ADDR}`,
    `@show @here ${ADDR}`,
    `(where|how) (can|do) (i|we) reach @here`,
    `@show [the] [current] ${ADDR} [(of|on|for) {name:iface}]`,
    "@show [the] [network] (interface|interfaces|nic|nics|adapters|network adapters|network cards|links|network configuration|network config|network settings|network setup|routes|routing table|default route|gateway|default gateway|network|networking) [details|info|configuration|status]",
    "@what [is|are] [the] [default] (gateway|route|routes|routing table|network interfaces|interfaces|nics|network configuration|network setup)",
    "@what (interface|interfaces|nics|network interfaces|network cards) (do i have|are there|exist|does it have|are up|are configured|(does|do) (we|@here) have|(is|are) @here using)",
    "@show [the] (details|info|address|addresses|status|ip) (of|for) {name:iface}",
    "@show {name:iface}",
    "ip (addr|a|address|route|r|link) [show]",
    "ifconfig [-a]",
    "(is|are) [the] (network|networking|interface|interfaces) (up|working|connected|ok|down)",
    "(is|are) {name:iface} (up|down|connected)",
  ],
  build: (c) => (c.has("name") ? { name: c.get<string>("name")! } : {}),
  describe: (a) => a.name ?? "all interfaces",
  async plan(a) {
    return [task("interfaces", `Show ${a.name ?? "the network interfaces"}`, "network", [call("net.interfaces", { ...a }, "addresses, state and counters of each interface, and the default routes")])];
  },
});

const LISTEN = "(listening|open|in use|used|bound|taken|occupied|active)";
/** The port a question is about: "on port 8080", "on 8080", "to port 80". */
const ON_PORT = "(on|to|at) [port|tcp port <protocol=tcp>|udp port <protocol=udp>] {port:port}";
const WHO = "(@what|who) [process|program|service|app|application|daemon|thing]";

export const listeningPorts = defineIntent<{ protocol?: "tcp" | "udp"; port?: number }>({
  name: "listening-ports",
  summary: "show which ports this machine listens on",
  examples: ["which ports are open?", "what is listening on port 80?", "show listening ports", "what's using port 8080", "which program is listening on 9090", "who holds port 443"],
  forms: [
    `@what [tcp <protocol=tcp>|udp <protocol=udp>] ports (are|is) [currently] ${LISTEN}`,
    `@show [all] [the] [${LISTEN}] [tcp <protocol=tcp>|udp <protocol=udp>] (ports|sockets|listeners|listening sockets) [that are ${LISTEN}]`,
    `@show [all] [the] ${LISTEN} (tcp <protocol=tcp>|udp <protocol=udp>) [ports|sockets]`,
    `[@show] @what (is|are) listening [${ON_PORT}] [(on|to) [the] network]`,
    `@what (service|services|process|processes|program|programs|app|apps|application|daemon) (is|are) listening [${ON_PORT}]`,
    `@what [service|process|program|app|application|daemon] (is|are) (running|served|serving) ${ON_PORT}`,
    `@what (service|services|process|program|app|application|daemon) (listens|listen|runs|run) ${ON_PORT}`,
    `${WHO} (is|are) (using|holding|occupying|bound to|listening on|on|behind|taking|blocking|hogging) [port|tcp port <protocol=tcp>|udp port <protocol=udp>] {port:port}`,
    `${WHO} (uses|holds|occupies|owns|has|took|grabbed|is holding|is taking|has taken|has got) [port|tcp port <protocol=tcp>|udp port <protocol=udp>] {port:port} [open]`,
    `[@show] ${WHO} (listens|is listening|runs|is running|is) ${ON_PORT}`,
    "@what (service|services|process|processes|program|programs) (has|have) [a|any] (port|ports) open",
    `is (anything|something|anyone|any process|a process|any program|any service) (listening|bound|running|open|using|holding) [${ON_PORT}|to port {port:port}|port {port:port}]`,
    `(is|are) (port|tcp port <protocol=tcp>|udp port <protocol=udp>) {port:port} (in use|taken|used|bound|occupied|free|available|busy|listening)`,
    `@show [the] (process|program|service|owner|listener|socket) (on|of|for|behind|holding|using) [port|tcp port <protocol=tcp>|udp port <protocol=udp>] {port:port}`,
    "(netstat|ss|lsof -i) [{f:flag}] [{g:flag}]",
  ],
  build(c) {
    const out: { protocol?: "tcp" | "udp"; port?: number } = {};
    if (c.conflicting("protocol")) return refuse("it names both tcp and udp; ask about one, or neither for both");
    if (c.conflicting("port")) return refuse("ask about one port at a time");
    if (c.has("protocol")) out.protocol = c.get<"tcp" | "udp">("protocol")!;
    if (c.has("port")) out.port = c.get<number>("port")!;
    return out;
  },
  describe: (a) => `${a.protocol ?? "tcp and udp"}${a.port !== undefined ? `, port ${a.port}` : ""}`,
  async plan(a) {
    return [task("listening", a.port !== undefined ? `Show what listens on port ${a.port}` : "Show the listening sockets", "monitor", [call("net.listening", { ...a }, a.port !== undefined ? `the sockets on port ${a.port}, each with the process holding it` : "every listening socket with its process")])];
  },
});
