/**
 * configure a reverse proxy: nginx in front of an upstream, the request
 * lifecycle of seed 003 step for step:
 *
 *   1 check the package is available (pkg.search)        package
 *   2 install it (pkg.install; idempotent)               package
 *   3 check the upstream is up (net.check_port)          monitor
 *   4 write the config, enable it, check it              system
 *     (fs.write sites-available/aios-proxy.conf, fs.symlink into
 *      sites-enabled, process.spawn nginx -t)
 *   5 start nginx as a supervised service                system
 *   6 verify: the port answers, a request goes through   monitor
 *   7 add it to the watchlist                            monitor
 *
 * The upstream is the management API (127.0.0.1:<facts.apiPort>), a port
 * ("to port 3000") or a URL ("for http://127.0.0.1:5000"); nginx listens on
 * 80 unless the clause says another port ("listening on port 8080"). Only
 * nginx is offered: the config is nginx's.
 */
import { daemonFor } from "../daemons";
import { defineIntent, type IntentContext, IntentRefusal, refuse } from "../intent";
import { ACTIVE_STATES, call, check, definedServices, packageState, packageTasks, task } from "./common";
import { startDaemonTask } from "./service";

export interface ProxyArgs {
  server: "nginx";
  /** Where requests go: http://host:port, possibly with a path. */
  upstream: string;
  /** The management API: its /health is what the verification asks for. */
  api: boolean;
  listen: number;
}

const PROXY = "(reverse proxy|reverse-proxy|reverseproxy|proxy|forward proxy <forward=true>|forwarding proxy <forward=true>)";
// "on port 80" and "at port 80" say where nginx listens, never where it forwards.
const TO = "(for|to|in front of|towards|forwarding to|that forwards to|forwarding requests to|pointing to|pointing at|that points to|->)";
const API = "(management api|api|aios api|aios management api|aios|management interface|aios's api|rest api|http api) <api=true>";
const UPSTREAM = `(${API}|[local] [port] {port:port}|{url:url}|{hp:hostport})`;
const TARGET = `${TO} [local] ${UPSTREAM}`;
const LISTEN = "((listening|that listens|listen|which listens|and listen|serving|exposed|reachable|available) (on|at) [port]|[on|at] port) {listen:port}";
/** The config file: one site, every request to the upstream, streaming answers passed through unbuffered. */
export function proxyConfig(a: ProxyArgs, hostname: string): string {
  const names = ["localhost", "127.0.0.1", ...(/^[A-Za-z0-9.-]{1,253}$/.test(hostname) && hostname !== "localhost" ? [hostname] : [])];
  return `# Written by aiOS (heuristic planner: reverse proxy to ${a.upstream}).
# Not part of the nginx package: removing nginx through aiOS deletes it too.
server {
    listen ${a.listen};
    # With Debian's default site also enabled, requests for these names still come here.
    server_name ${names.join(" ")};

    location / {
        proxy_pass ${a.upstream};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        # Event streams (a goal's progress) pass through as they come.
        proxy_buffering off;
        proxy_read_timeout 1h;
    }
}
`;
}

export function proxyFile(a: ProxyArgs): string {
  return a.listen === 80 ? "aios-proxy.conf" : `aios-proxy-${a.listen}.conf`;
}

export const configureProxy = defineIntent<ProxyArgs>({
  name: "configure-proxy",
  summary: "configure nginx as a reverse proxy",
  examples: [
    "configure nginx as a reverse proxy for the management API",
    "set up a reverse proxy to port 3000",
    "make nginx a reverse proxy for http://127.0.0.1:5000",
    "configure nginx as a reverse proxy to localhost:8000 listening on port 8080",
  ],
  forms: [
    `(configure|set up|setup|set|use|install|deploy|turn|make|put|run|get) {server:name} [up] [as|into|to be|like] [a] ${PROXY} [${LISTEN}] ${TARGET}`,
    `(configure|set up|setup|create|add|deploy|make|install|put in|put|build|need|want) [a] ${PROXY} [${LISTEN}] [(with|using|via) {server:name}] ${TARGET}`,
    `(i|we) (need|want|would like) [{server:name}] [as|for] [a] ${PROXY} [${LISTEN}] ${TARGET}`,
    // Said without a verb: "nginx as a reverse proxy for the api", "a reverse proxy to port 3000".
    `[{server:name} as] [a] ${PROXY} [${LISTEN}] ${TARGET}`,
    // "reverse proxy port 8080 to port 3000": the first port is nginx's.
    `[reverse] proxy [requests|traffic|http] (from|on) [port] {listen:port} ${TARGET}`,
    `[reverse] proxy port {listen:port} (to|towards|->) [local] ${UPSTREAM}`,
    `[reverse] proxy [requests|traffic] (to|for) ${API} [${LISTEN}]`,
    `[reverse] proxy [the] ${API} [${LISTEN}] [(through|via|with|using|behind) {server:name}] [${LISTEN}]`,
    `(expose|publish|serve) [the] ${API} [${LISTEN}] (through|via|with|using|behind) ({server:name}|[a] ${PROXY}) [${LISTEN}]`,
    // Said without what it forwards to: read, and refused saying so.
    `(configure|set up|setup|create|add|deploy|make|install) [a] ${PROXY} ${LISTEN}`,
    `(configure|set up|setup|create|add|deploy|make|install) [a] ${PROXY} ${TARGET} (with|using|on|via) {server:name}`,
    `(put|place|run) {server:name} in front of ((management api|api|aios api|aios) <api=true>|[local] [port] {port:port}|{url:url}|{hp:hostport})`,
    `(proxy|forward|send) [all] [requests|traffic] ${TARGET} (with|using|via|through) {server:name}`,
    `(configure|set up|setup|set|use|install|deploy|turn|make|put|run) {server:name} [up] [as|into|to be] [a] ${PROXY}`,
  ],
  qualifiers: [LISTEN],
  build(c, facts) {
    if (c.has("forward")) return refuse("only a reverse proxy is offered");
    const server = c.get<string>("server");
    if (server !== undefined && server !== "nginx") return refuse(`only nginx can be configured as a reverse proxy here, not ${server}`);
    const listen = c.get<number>("listen") ?? 80;
    let upstream: string | undefined;
    let api = c.has("api");
    const url = c.get<string>("url");
    const hp = c.get<{ host: string; port: number }>("hp");
    const port = c.get<number>("port");
    if (url) {
      // A path prefix must end in "/": nginx replaces the matched "/" with it.
      const u = new URL(url);
      upstream = `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname.endsWith("/") ? u.pathname : `${u.pathname}/`}`;
    } else if (hp) upstream = `http://${hp.host}:${hp.port}`;
    else if (port !== undefined) upstream = `http://127.0.0.1:${port}`;
    else if (api) upstream = `http://127.0.0.1:${facts.apiPort}`;
    if (!upstream) return refuse('say what to proxy to: the management API, a port ("to port 3000") or a URL ("for http://127.0.0.1:5000")');
    if (upstream === `http://127.0.0.1:${facts.apiPort}` || upstream === `http://localhost:${facts.apiPort}`) api = true;
    const u = new URL(upstream);
    if (listen === Number(u.port || 80) && ["127.0.0.1", "localhost"].includes(u.hostname)) return refuse(`nginx cannot listen on port ${listen} and proxy to the same port`);
    return { server: "nginx", upstream, api, listen };
  },
  object: () => "nginx",
  describe: (a) => `server: ${a.server}, upstream: ${a.upstream}${a.api ? " (the management API)" : ""}, listen: ${a.listen}`,
  async plan(a, ctx) {
    return proxyTasks(a, ctx);
  },
});

async function proxyTasks(a: ProxyArgs, ctx: IntentContext) {
  const d = daemonFor(a.server)!;
  if (!ctx.earlier.installs.has(d.package)) {
    const s = await packageState(ctx, d.package);
    if (s.state === "unknown") throw new IntentRefusal(`${d.package} is not in any configured package repository (${s.why})`);
  }
  ctx.earlier.installs.add(d.package);
  ctx.earlier.services.add(d.service);
  const up = new URL(a.upstream);
  const upHost = up.hostname === "localhost" ? "127.0.0.1" : up.hostname;
  const upPort = Number(up.port || (up.protocol === "https:" ? 443 : 80));
  const file = proxyFile(a);
  const available = `${d.configDir}/sites-available/${file}`;
  const base = `http://127.0.0.1${a.listen === 80 ? "" : `:${a.listen}`}`;
  const verifyUrl = a.api ? `${base}/health` : `${base}/`;

  // Already running: a start keeps the old configuration, so it is restarted after.
  const running = (await definedServices(ctx))?.some((s) => s.name === d.service && ACTIVE_STATES.has(s.state)) ?? false;
  const start = startDaemonTask(d.service, "start", `Start ${d.service} as a supervised service`);
  start.calls = start.calls.filter((c) => c.tool !== "process.spawn"); // checked in the config step, right after writing
  if (running) start.calls.push(call("service.restart", { name: d.service }, "it was already running: load the new configuration"));
  start.dependsOn = ["write-config"];

  return [
    ...packageTasks([d.package]),
    task("check-upstream", `Check that the upstream ${upHost}:${upPort} is up`, "monitor", [check("net.check_port", { host: upHost, port: upPort }, `the proxy forwards to ${a.upstream}`)]),
    task("write-config", `Write the reverse proxy config for ${a.server}`, "system", [
      call("fs.write", { path: available, content: proxyConfig(a, ctx.facts.hostname), mode: "0644", createParents: true }, `one server on port ${a.listen} passing every request to ${a.upstream}`),
      call("fs.symlink", { path: `${d.configDir}/sites-enabled/${file}`, target: available, overwrite: true }, "enable the site (nginx.conf includes sites-enabled/*)"),
      check("process.spawn", { argv: [...d.configTest!], timeoutMs: 10_000 }, "nginx -t: check the whole configuration before starting"),
    ], ["install", "check-upstream"]),
    start,
    task("verify", `Verify ${a.server} answers on port ${a.listen} and proxies to the upstream`, "monitor", [
      call("net.check_port", { host: "127.0.0.1", port: a.listen }, `${a.server} listens on ${a.listen}`),
      call("net.http_check", { url: verifyUrl, expectStatus: a.api ? 200 : "200-499", retryMs: 5_000, assert: true }, a.api ? "the management API's /health answers through the proxy" : "a request goes through the proxy (a 5xx would mean the upstream is not reached)"),
    ], ["start"]),
    task("watch", `Add ${a.server} to the monitoring watchlist`, "monitor", [
      call("monitor.watch", { name: d.service, service: d.service, ...(a.api ? { url: verifyUrl } : {}), port: { host: "127.0.0.1", port: a.listen }, everyS: 60 }, "the autonomy loop checks it every minute and heals it within its restart policy"),
    ], ["verify"]),
  ];
}
