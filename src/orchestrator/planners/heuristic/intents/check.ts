/** check a port or URL: "check port 80", "is port 22 open on 10.0.2.2", "check http://127.0.0.1/health", "is localhost:8080 up?". */
import { hostPorts, hosts, ports, urls } from "../extract";
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

export interface CheckArgs {
  ports: Array<{ host: string; port: number }>;
  urls: string[];
}

const VERB = /^(?:check|test|verify|probe|see|confirm|ensure|make\s+sure|tell\s+me|is|are|does|do|can\s+(?:i|you|we)\s+(?:reach|connect\s+to)|whether|ping)\b/;

export const checkEndpoint = defineIntent<CheckArgs>({
  name: "check-endpoint",
  summary: "check a port or URL",
  examples: ["check port 80", "is port 22 open on 10.0.2.2?", "check http://127.0.0.1:8080/health", "check that localhost:8080 and port 443 are up", "verify that https://example.com answers"],
  match(clause) {
    if (!VERB.test(clause.lower)) return null;
    const found = { urls: urls(clause.text), ports: hostPorts(clause.text) };
    const named = ports(clause.text);
    if (found.urls.length === 0 && found.ports.length === 0 && named.length === 0) return null;
    if (named.length) {
      // "port 22 on 10.0.2.2": a host named in the clause (not one of the host:port or URL hosts); else this machine.
      const others = hosts(clause.text).filter((h) => !found.ports.some((p) => p.host === h));
      if (others.length > 1) return refuse(`name one host for the ports (found ${others.join(", ")})`);
      const host = others[0] ?? "127.0.0.1";
      for (const port of named) if (!found.ports.some((p) => p.host === host && p.port === port)) found.ports.push({ host, port });
    }
    return found;
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
