/**
 * The autonomy loop's watchlist: watch a service, a port or a URL; stop
 * watching; show what is watched.
 */
import { slug } from "../extract";
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, definedServices, task } from "./common";

export interface WatchArgs {
  name: string;
  service?: string;
  url?: string;
  port?: { host: string; port: number };
  everyS?: number;
}

const WATCH = "(monitor|watch|keep an eye on|keep watching|start monitoring|start watching|add a watch for|add a watch on|watch over|keep track of)";

const ALERT = "(alert|notify|warn|ping|page|inform|tell|let know|give a heads up|give me a heads up) [me|us]";
const WHEN = "(if|when|whenever|as soon as|once|the moment|in case)";
const DOWN = "(goes down|go down|dies|die|crashes|crash|stops|stop|stops running|fails|fail|falls over|goes offline|exits|quits|breaks|stops working|stops responding|is stopped)";
const UNREACHABLE = "(goes down|stops answering|stops responding|stops working|closes|fails|becomes unreachable|is unreachable|is down|goes offline|stops accepting connections|stops listening)";

export const watch = defineIntent<WatchArgs>({
  name: "watch",
  summary: "watch a service, port or URL",
  examples: ["monitor nginx", "watch port 80", "keep an eye on http://127.0.0.1:8080/health every 30 seconds"],
  forms: [
    `${WATCH} [the] {svc:service} [@service] [and heal it|and restart it if it fails|and restart it when it dies]`,
    `${WATCH} [the] port {port:port} [(on|at) {host:host}]`,
    `${WATCH} {hp:hostport}`,
    `${WATCH} {url:url}`,
    "add {svc:service} to [the] (watchlist|watch list|monitoring)",
    // To be told when something goes down is a watch: the loop checks it and reports a failure as an event (said in the answer).
    // "Tell me/let me know if X goes down" reaches here as "check if X goes down"; the verbs are events ("goes down", "dies"), never a state ("is down": a status question).
    `${ALERT} ${WHEN} [the] {svc:service} [@service] ${DOWN}`,
    `${ALERT} ${WHEN} [the] {svc:service} [@service] (is|goes|becomes) (down|offline|unavailable|not running)`,
    `(check|tell me|let me know|let us know|tell us) ${WHEN} [the] {svc:service} [@service] ${DOWN}`,
    `${ALERT} ${WHEN} [the] port {port:port} [(on|at) {host:host}] ${UNREACHABLE}`,
    `(check|tell me|let me know|let us know|tell us) ${WHEN} [the] port {port:port} [(on|at) {host:host}] ${UNREACHABLE}`,
    `${ALERT} ${WHEN} {url:url} ${UNREACHABLE}`,
    `(check|tell me|let me know|let us know|tell us) ${WHEN} {url:url} ${UNREACHABLE}`,
  ],
  qualifiers: ["(every|each) {every:seconds}", "(as|named|called) {name:name}"],
  build(c) {
    const every = c.get<number>("every");
    if (every !== undefined && (every < 5 || every > 86_400)) return refuse("checks run every 5 seconds to once a day");
    const out: WatchArgs = { name: "" };
    const svc = c.get<string>("svc");
    const port = c.get<number>("port");
    const hp = c.get<{ host: string; port: number }>("hp");
    const url = c.get<string>("url");
    if (svc) out.service = svc;
    else if (port !== undefined) out.port = { host: c.get<string>("host") ?? "127.0.0.1", port };
    else if (hp) out.port = hp;
    else if (url) out.url = url;
    out.name = c.get<string>("name") ?? svc ?? (out.port ? slug(`port-${out.port.host === "127.0.0.1" ? "" : `${out.port.host}-`}${out.port.port}`) : slug(new URL(url!).host));
    if (every !== undefined) out.everyS = every;
    return out;
  },
  object: (a) => a.service,
  describe: (a) => `${a.name}: ${a.service ? `service ${a.service}` : a.port ? `port ${a.port.host}:${a.port.port}` : `url ${a.url}`}${a.everyS ? `, every ${a.everyS} s` : ""}`,
  async plan(a, ctx) {
    if (a.service) {
      const defined = await definedServices(ctx);
      if (defined && !defined.some((s) => s.name === a.service) && !ctx.earlier.services.has(a.service)) throw new IntentRefusal(`there is no service named ${a.service}`);
    }
    return [task("watch", `Watch ${a.name}`, "monitor", [call("monitor.watch", { ...a }, "the autonomy loop checks it and heals a watched service within its restart policy; undo takes the entry off")])];
  },
});

export const unwatch = defineIntent<{ name: string }>({
  name: "unwatch",
  summary: "stop watching something",
  examples: ["stop monitoring nginx", "unwatch port-80", "remove nginx from the watchlist"],
  forms: [
    "(stop|quit|cease) (monitoring|watching) [the] {name:name}",
    "(unwatch|unmonitor) {name:name}",
    "(remove|take|drop|delete) {name:name} (from|off) [the] (watchlist|watch list|monitoring|watches)",
    "(do not|no longer|never) (monitor|watch) {name:name} [anymore|any more|again]",
  ],
  build: (c) => ({ name: c.get<string>("name")! }),
  describe: (a) => a.name,
  async plan(a) {
    return [task("unwatch", `Stop watching ${a.name}`, "monitor", [call("monitor.unwatch", { name: a.name }, "undo puts the entry back")])];
  },
});

export const watchlist = defineIntent<Record<string, never>>({
  name: "watchlist",
  summary: "show what is watched",
  examples: ["show the watchlist", "what is being monitored?"],
  forms: [
    "@show [the] (watchlist|watch list|watches|monitored services|watched services|monitoring|monitors|health checks)",
    "@what (is|are) [being] (monitored|watched)",
    "@what (services|things|ports|urls) (are|is) [being] (monitored|watched)",
    "@what (do you|does aios|are you) (monitor|watch|monitoring|watching)",
  ],
  build: () => ({}),
  describe: () => "watchlist",
  async plan() {
    return [task("watchlist", "Show the watchlist", "monitor", [call("monitor.watchlist", {})])];
  },
});
