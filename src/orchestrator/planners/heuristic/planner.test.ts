/**
 * The heuristic planner end to end: goal → clauses → intents → probes →
 * merged plan. Probes answer with recorded results (the planner's input);
 * every plan is held to PlanSchema, to each tool's own input schema and to
 * routing with the real agents' capabilities (checkPlan).
 */
import { describe, expect, test } from "bun:test";
import type { Plan } from "../../plan";
import type { PlannerResult } from "../../types";
import { heuristicPlanner } from "./index";
import { proxyConfig } from "./intents/proxy";
import { availableInfo, checkPlan, type FakeContext, installedInfo, planningContext, type ProbeAnswer, toolError } from "./testing";

const planner = heuristicPlanner();

async function run(goal: string, answers: Record<string, ProbeAnswer> = {}): Promise<{ r: PlannerResult; ctx: FakeContext }> {
  const ctx = planningContext(goal, answers);
  return { r: await planner.plan(ctx), ctx };
}

/** A plan that must come out, checked against the schema, the tools' schemas and the real agents. */
async function planOf(goal: string, answers: Record<string, ProbeAnswer> = {}): Promise<{ plan: Plan; why: string; ctx: FakeContext; agents: string[] }> {
  const { r, ctx } = await run(goal, answers);
  if ("pass" in r) throw new Error(`expected a plan for ${JSON.stringify(goal)}, got a pass: ${r.pass}`);
  const routes = checkPlan(r.plan);
  // Each task goes to the agent the planner suggested: it has every capability the task needs.
  for (const [i, route] of routes.entries()) expect(route.agent).toBe(r.plan.tasks[i]!.agent!);
  return { plan: r.plan, why: r.why, ctx, agents: routes.map((x) => x.agent) };
}

async function passOf(goal: string, answers: Record<string, ProbeAnswer> = {}): Promise<string> {
  const { r } = await run(goal, answers);
  if (!("pass" in r)) throw new Error(`expected a refusal for ${JSON.stringify(goal)}, got a plan: ${r.why}`);
  return r.pass;
}

const nginxAvailable = { "pkg.info": (a: Record<string, unknown>) => (a.name === "nginx" ? availableInfo("nginx") : (() => { throw toolError("not_found", `${a.name}: no repository has it`); })()) };
const shape = (plan: Plan) => plan.tasks.map((t) => ({ id: t.id, agent: t.agent, tools: t.calls.map((c) => c.tool), dependsOn: t.dependsOn }));

describe("the acceptance goal", () => {
  const GOAL = "Install nginx and configure it as a reverse proxy for the management API";

  test("is the seed's seven steps, with dependencies and an agent per task", async () => {
    const { plan, why, ctx, agents } = await planOf(GOAL, nginxAvailable);
    expect(shape(plan)).toEqual([
      { id: "check-package", agent: "package", tools: ["pkg.search"], dependsOn: [] },
      { id: "install", agent: "package", tools: ["pkg.install"], dependsOn: ["check-package"] },
      { id: "check-upstream", agent: "monitor", tools: ["net.check_port"], dependsOn: [] },
      { id: "write-config", agent: "system", tools: ["fs.write", "fs.symlink", "process.spawn"], dependsOn: ["install", "check-upstream"] },
      { id: "start", agent: "system", tools: ["service.start"], dependsOn: ["write-config"] },
      { id: "verify", agent: "monitor", tools: ["net.check_port", "net.http_check"], dependsOn: ["start"] },
      { id: "watch", agent: "monitor", tools: ["monitor.watch"], dependsOn: ["verify"] },
    ]);
    expect(agents).toEqual(["package", "package", "monitor", "system", "system", "monitor", "monitor"]);
    const args = plan.tasks.flatMap((t) => t.calls.map((c) => [c.tool, c.args]));
    expect(args).toEqual([
      ["pkg.search", { query: "nginx", limit: 5 }],
      ["pkg.install", { names: ["nginx"] }],
      ["net.check_port", { host: "127.0.0.1", port: 8080 }],
      ["fs.write", { path: "/etc/nginx/sites-available/aios-proxy.conf", content: proxyConfig({ server: "nginx", upstream: "http://127.0.0.1:8080", api: true, listen: 80 }, "aios"), mode: "0644", createParents: true }],
      ["fs.symlink", { path: "/etc/nginx/sites-enabled/aios-proxy.conf", target: "/etc/nginx/sites-available/aios-proxy.conf", overwrite: true }],
      ["process.spawn", { argv: ["/usr/sbin/nginx", "-t"], timeoutMs: 10_000 }],
      ["service.start", { name: "nginx", definition: { argv: ["/usr/sbin/nginx", "-g", "daemon off;"], restart: "on-failure", readyDelayMs: 500 } }],
      ["net.check_port", { host: "127.0.0.1", port: 80 }],
      ["net.http_check", { url: "http://127.0.0.1/health", expectStatus: 200, retryMs: 5000, assert: true }],
      ["monitor.watch", { name: "nginx", service: "nginx", url: "http://127.0.0.1/health", port: { host: "127.0.0.1", port: 80 }, everyS: 60 }],
    ]);
    expect(plan.tasks.flatMap((t) => t.calls).every((c) => typeof c.why === "string" && c.why.length > 0)).toBe(true);
    expect(why).toBe('heuristic catalogue: "Install nginx" → install a package (packages: nginx); "configure nginx as a reverse proxy for the management API" → configure nginx as a reverse proxy (server: nginx, upstream: http://127.0.0.1:8080 (the management API), listen: 80)');
    expect(plan.summary).toContain("install a package: packages: nginx; configure nginx as a reverse proxy");
    // It only looked, once each: pkg.info for nginx, the service table; nothing that changes the system.
    expect(ctx.probes.map((p) => p.tool)).toEqual(["pkg.info", "service.list"]);
  });

  test("the config proxies every request to the API and passes event streams through", () => {
    const conf = proxyConfig({ server: "nginx", upstream: "http://127.0.0.1:8080", api: true, listen: 80 }, "aios");
    expect(conf).toContain("listen 80;");
    expect(conf).toContain("server_name localhost 127.0.0.1 aios;");
    expect(conf).toContain("proxy_pass http://127.0.0.1:8080;");
    expect(conf).toContain("proxy_buffering off;");
    expect(proxyConfig({ server: "nginx", upstream: "http://h:1", api: false, listen: 81 }, "bad host;name")).toContain("server_name localhost 127.0.0.1;");
  });

  test("is the same plan as the proxy clause alone: installing first is part of it", async () => {
    const both = await planOf(GOAL, nginxAvailable);
    const alone = await planOf("configure nginx as a reverse proxy for the management API", nginxAvailable);
    expect(both.plan.tasks).toEqual(alone.plan.tasks);
  });

  test("uses the API port this system listens on", async () => {
    const ctx = planningContext(GOAL, nginxAvailable, { apiPort: 9090 });
    const r = await planner.plan(ctx);
    if ("pass" in r) throw new Error(r.pass);
    expect(r.plan.tasks[2]!.calls[0]!.args).toEqual({ host: "127.0.0.1", port: 9090 });
  });

  test("with nginx already installed and running, nginx is restarted to load the new config", async () => {
    const { plan } = await planOf(GOAL, {
      "pkg.info": () => installedInfo("nginx"),
      "service.list": () => ({ services: [{ name: "nginx", state: "running", enabled: true, after: [] }] }),
    });
    expect(plan.tasks.find((t) => t.id === "start")!.calls.map((c) => c.tool)).toEqual(["service.start", "service.restart"]);
  });

  test("refused when no repository has nginx", async () => {
    expect(await passOf(GOAL)).toBe('clause 1 of 2 ("Install nginx") reads as "install a package", but nginx is not in any configured package repository (nginx: no repository has it); the goal is refused as a whole');
  });
});

/** An installed nginx as pkg.info answers for it, with nginx-common (auto) holding /etc/nginx. */
const NGINX_FILES = ["/usr/sbin/nginx", "/usr/share/doc/nginx/copyright"];
const COMMON_FILES = ["/etc/nginx/nginx.conf", "/etc/nginx/mime.types", "/etc/nginx/sites-available/default", "/etc/logrotate.d/nginx"];
const COMMON_DIRS = [
  { path: "/etc/nginx", created: true },
  { path: "/etc/nginx/sites-available", created: true },
  { path: "/etc/nginx/sites-enabled", created: true },
  { path: "/etc/nginx/conf.d", created: true },
  { path: "/etc/logrotate.d", created: true },
];
const installedNginx: Record<string, ProbeAnswer> = {
  "pkg.info": (a) => {
    if (a.name === "nginx") return installedInfo("nginx", { depends: "nginx-common (= 1.22.1-9), libc6 (>= 2.34), libssl3 (>= 3.0.0)", files: NGINX_FILES.map((path) => ({ path })) });
    if (a.name === "nginx-common") return installedInfo("nginx-common", { auto: true, files: COMMON_FILES.map((path) => ({ path, conffile: path.startsWith("/etc/") })), directories: COMMON_DIRS });
    if (a.name === "libssl3") return installedInfo("libssl3", { auto: true, files: [{ path: "/usr/lib/x86_64-linux-gnu/libssl.so.3" }] });
    if (a.name === "libc6") return { ...availableInfo("libc6"), provided: { version: "2.36-9" } };
    throw toolError("not_found", `${a.name}: no repository has it`);
  },
  "service.list": () => ({ services: [
    { name: "nginx", state: "running", enabled: true, after: [] },
    { name: "worker", state: "running", enabled: true, after: [] },
  ] }),
  "service.status": (a) => ({ name: a.name, definition: { argv: a.name === "nginx" ? ["/usr/sbin/nginx", "-g", "daemon off;"] : ["/usr/bin/python3", "worker.py"] } }),
  "fs.list": (a) => {
    expect(a).toEqual({ path: "/etc/nginx", recursive: true, limit: 5000 });
    return {
      path: "/etc/nginx",
      truncated: false,
      entries: [
        { path: "/etc/nginx/conf.d", type: "dir" },
        { path: "/etc/nginx/mime.types", type: "file" },
        { path: "/etc/nginx/nginx.conf", type: "file" },
        { path: "/etc/nginx/sites-available", type: "dir" },
        { path: "/etc/nginx/sites-enabled", type: "dir" },
        { path: "/etc/nginx/conf.d/extra", type: "dir" },
        { path: "/etc/nginx/sites-available/aios-proxy.conf", type: "file" },
        { path: "/etc/nginx/sites-available/default", type: "file" },
        { path: "/etc/nginx/sites-enabled/aios-proxy.conf", type: "symlink" },
        { path: "/etc/nginx/conf.d/extra/gzip.conf", type: "file" },
      ],
    };
  },
  "monitor.watchlist": () => ({ watches: [
    { name: "nginx", service: "nginx" },
    { name: "api", service: null },
  ] }),
};

describe("removing nginx", () => {
  test("unwatches, stops and removes its service, deletes the files it does not own, then purges it", async () => {
    const { plan, agents, ctx } = await planOf("Remove nginx", installedNginx);
    expect(shape(plan)).toEqual([
      { id: "unwatch", agent: "monitor", tools: ["monitor.unwatch"], dependsOn: [] },
      { id: "stop-services", agent: "system", tools: ["service.stop", "service.remove"], dependsOn: ["unwatch"] },
      { id: "delete-files", agent: "system", tools: ["fs.delete", "fs.delete", "fs.delete"], dependsOn: ["unwatch", "stop-services"] },
      { id: "purge", agent: "package", tools: ["pkg.remove"], dependsOn: ["unwatch", "stop-services", "delete-files"] },
    ]);
    expect(agents).toEqual(["monitor", "system", "system", "package"]);
    expect(plan.tasks.flatMap((t) => t.calls.map((c) => [c.tool, c.args]))).toEqual([
      ["monitor.unwatch", { name: "nginx" }],
      ["service.stop", { name: "nginx" }],
      ["service.remove", { name: "nginx" }],
      ["fs.delete", { path: "/etc/nginx/conf.d/extra", recursive: true }],
      ["fs.delete", { path: "/etc/nginx/sites-available/aios-proxy.conf" }],
      ["fs.delete", { path: "/etc/nginx/sites-enabled/aios-proxy.conf" }],
      ["pkg.remove", { names: ["nginx"], purge: true }],
    ]);
    // /etc/logrotate.d is shared: it was never listed. The worker service runs no file of nginx's.
    expect(ctx.probes.filter((p) => p.tool === "fs.list").map((p) => p.args.path)).toEqual(["/etc/nginx"]);
  });

  test("after the proxy goal, removing with a second goal undoes each of its traces", async () => {
    const proxy = await planOf("Install nginx and configure it as a reverse proxy for the management API", nginxAvailable);
    const written = proxy.plan.tasks.flatMap((t) => t.calls).filter((c) => c.tool === "fs.write" || c.tool === "fs.symlink").map((c) => c.args.path);
    const removal = await planOf("uninstall nginx completely", installedNginx);
    const deleted = removal.plan.tasks.flatMap((t) => t.calls).filter((c) => c.tool === "fs.delete").map((c) => c.args.path);
    for (const p of written) expect(deleted).toContain(p as string);
  });

  test("a package that is not installed, part of the base image, or that cannot be looked at is refused", async () => {
    expect(await passOf("remove nginx", nginxAvailable)).toBe('"remove nginx" reads as "remove a package", but nginx is not installed');
    expect(await passOf("remove htop")).toContain("htop is not installed");
    expect(await passOf("remove libc6", installedNginx)).toContain("libc6 is part of the base image; aiOS does not remove it");
    expect(await passOf("remove nginx", { "pkg.info": () => { throw toolError("repository", "repository file:///mnt/repo: not mounted"); } })).toContain("cannot look at nginx to remove it exactly: repository file:///mnt/repo: not mounted");
  });

  test("refused while another service starts after its service", async () => {
    const answers = { ...installedNginx, "service.list": () => ({ services: [{ name: "nginx", state: "running", enabled: true, after: [] }, { name: "app", state: "running", enabled: true, after: ["nginx"] }] }) };
    expect(await passOf("remove nginx", answers)).toContain("service app starts after nginx; remove it first");
  });

  test("a package with no service, watch or stray file is just purged", async () => {
    const { plan } = await planOf("purge htop", { "pkg.info": (a) => installedInfo(String(a.name), { files: [{ path: "/usr/bin/htop" }] }) });
    expect(shape(plan)).toEqual([{ id: "purge", agent: "package", tools: ["pkg.remove"], dependsOn: [] }]);
  });
});

describe("the other intents, planned and routed", () => {
  test("install packages", async () => {
    const { plan } = await planOf("install htop, curl and git", { "pkg.info": (a) => availableInfo(String(a.name)) });
    expect(plan.tasks.map((t) => t.calls.map((c) => c.args))).toEqual([[{ query: "htop", limit: 5 }, { query: "curl", limit: 5 }, { query: "git", limit: 5 }], [{ names: ["htop", "curl", "git"] }]]);
    expect(await passOf("install something nice")).toContain("something is not in any configured package repository");
  });

  test("install and start a known daemon: defined with its foreground command, its config checked first", async () => {
    const { plan } = await planOf("install nginx and start it", nginxAvailable);
    expect(shape(plan).map((t) => [t.id, t.tools, t.dependsOn])).toEqual([
      ["check-package", ["pkg.search"], []],
      ["install", ["pkg.install"], ["check-package"]],
      ["start-nginx", ["process.spawn", "service.start"], ["install"]],
    ]);
    expect(plan.tasks[2]!.calls[1]!.args).toEqual({ name: "nginx", definition: { argv: ["/usr/sbin/nginx", "-g", "daemon off;"], restart: "on-failure", readyDelayMs: 500 } });
  });

  test("start, stop, restart and status of defined services; unknown ones refused", async () => {
    const defined = { "service.list": () => ({ services: [{ name: "web", state: "stopped", enabled: false, after: [] }] }) };
    expect((await planOf("start web", defined)).plan.tasks[0]!.calls).toMatchObject([{ tool: "service.start", args: { name: "web" } }]);
    expect((await planOf("stop web", defined)).plan.tasks[0]!.calls).toMatchObject([{ tool: "service.stop", args: { name: "web" } }]);
    expect((await planOf("restart web", defined)).plan.tasks[0]!.calls).toMatchObject([{ tool: "service.restart", args: { name: "web" } }]);
    expect((await planOf("is web running?", defined)).plan.tasks[0]!.calls).toMatchObject([{ tool: "service.status", args: { name: "web" } }]);
    expect(await passOf("stop the world", defined)).toContain("there is no service named world");
    expect(await passOf("start myapp", defined)).toContain("aiOS does not know how to run myapp in the foreground");
    expect(await passOf("start nginx", defined)).toContain('its package nginx is not installed (say "install nginx and start it")');
  });

  test("check ports and URLs, read-only, by the monitor agent", async () => {
    const { plan } = await planOf("check port 80 and http://127.0.0.1:8080/health");
    expect(plan.tasks[0]!.calls.map((c) => [c.tool, c.args])).toEqual([["net.check_port", { host: "127.0.0.1", port: 80 }], ["net.http_check", { url: "http://127.0.0.1:8080/health" }]]);
  });

  test("usage: disk to storage, memory and processes to system, cpu to monitor", async () => {
    const { plan, agents } = await planOf("show disk, memory, cpu and process usage");
    expect(plan.tasks.map((t) => t.calls[0]!.tool)).toEqual(["monitor.disk", "monitor.memory", "monitor.cpu", "process.list"]);
    expect(agents).toEqual(["storage", "system", "monitor", "system"]);
  });

  test("free disk space: the disk, then sys.cleanup in the safe scopes only; old logs alone when only they are asked", async () => {
    const { plan } = await planOf("free disk space older than 3 days");
    const scopes = (days: number, ...kinds: string[]) => kinds.map((kind) => ({ kind, olderThanDays: days }));
    expect(plan.tasks.map((t) => [t.id, t.calls[0]!.tool, t.calls[0]!.args, t.dependsOn])).toEqual([
      ["disk-usage", "monitor.disk", {}, []],
      ["cleanup", "sys.cleanup", { scopes: scopes(3, "logs", "package-cache", "tmp") }, ["disk-usage"]],
    ]);
    expect((await planOf("clean up old logs")).plan.tasks[1]!.calls[0]!.args).toEqual({ scopes: scopes(7, "logs") });
  });

  test("create and delete users", async () => {
    const { plan } = await planOf("add user bob with shell /bin/bash in groups sudo and adm");
    expect(plan.tasks[0]!.calls[0]).toMatchObject({ tool: "user.create", args: { name: "bob", groups: ["sudo", "adm"], shell: "/bin/bash" } });
    expect((await planOf("delete user alice and her home directory")).plan.tasks[0]!.calls[0]!.args).toEqual({ name: "alice", removeHome: true });
    // "with sudo access" is a group, never dropped; an account that exists is added to the group instead of created again.
    expect((await planOf("add a user deploy with sudo access")).plan.tasks[0]!.calls[0]).toMatchObject({ tool: "user.create", args: { name: "deploy", groups: ["sudo"] } });
    const exists = { "user.list": () => ({ users: [{ name: "root" }, { name: "deploy" }] }) };
    expect((await planOf("add user deploy to the sudo group", exists)).plan.tasks[0]!.calls).toMatchObject([{ tool: "user.add_to_group", args: { user: "deploy", group: "sudo" } }]);
    expect(await passOf("add user deploy to the sudo group", { "user.list": () => { throw toolError("failed", "no shadow"); } })).toContain("cannot tell whether deploy exists");
  });

  test("write and append to files", async () => {
    expect((await planOf("write 'Welcome to aiOS' to /etc/motd")).plan.tasks[0]!.calls[0]!.args).toEqual({ path: "/etc/motd", content: "Welcome to aiOS\n", createParents: true });
    expect((await planOf("append 'nameserver 10.0.2.3' to /etc/resolv.conf")).plan.tasks[0]!.calls[0]).toMatchObject({ tool: "fs.append" });
  });

  test("edit a setting: read at planning time, the one line changed, the rest kept byte for byte", async () => {
    const conf = "user www-data;\nworker_processes auto;  # tune\n# worker_processes 8;\nevents {\n    worker_connections 768;\n}\n";
    const read = { "fs.read": () => ({ path: "/etc/nginx/nginx.conf", content: conf, truncated: false }) };
    const { plan, ctx } = await planOf("set worker_processes to 2 in /etc/nginx/nginx.conf", read);
    expect(ctx.probes).toEqual([{ tool: "fs.read", args: { path: "/etc/nginx/nginx.conf" } }]);
    expect(plan.tasks[0]!.calls[0]!.args).toEqual({ path: "/etc/nginx/nginx.conf", content: conf.replace("worker_processes auto;", "worker_processes 2;") });
    expect((await planOf("set worker_connections to 1024 in /etc/nginx/nginx.conf", read)).plan.tasks[0]!.calls[0]!.args.content).toContain("    worker_connections 1024;\n");
    expect(await passOf("set gzip to on in /etc/nginx/nginx.conf", read)).toContain("gzip is not set; the planner changes existing settings only");
    expect(await passOf("set events to x in /etc/nginx/nginx.conf", read)).toContain("events opens a block");
    // (The key was "a" here: an article, which the reader drops now.)
    const twice = { "fs.read": () => ({ content: "k = 1\nk = 2\n", truncated: false }) };
    expect(await passOf("set k to 3 in /etc/app.conf", twice)).toContain("k is set on lines 1, 2");
    expect(await passOf("set k to 3 in /etc/none.conf", { "fs.read": () => { throw toolError("ENOENT", "fs.read /etc/none.conf: ENOENT"); } })).toContain("/etc/none.conf does not exist");
    const ini = { "fs.read": () => ({ content: "[server]\nport = \"80\"\n", truncated: false }) };
    expect((await planOf("in /etc/app.ini set port = 8080", ini)).plan.tasks[0]!.calls[0]!.args.content).toBe("[server]\nport = \"8080\"\n");
  });

  test("schedule a goal or a command", async () => {
    const goal = await planOf("run 'free disk space' every day at 3am");
    expect(goal.plan.tasks[0]!.calls[0]!.args).toEqual({ name: "free-disk-space", cron: "0 3 * * *", goal: "free disk space" });
    expect(goal.agents).toEqual(["task"]);
    const cmd = await planOf("schedule `sync` every 5 minutes");
    expect(cmd.plan.tasks[0]!.calls[0]!.args).toEqual({ name: "sync", cron: "*/5 * * * *", tool: "process.spawn", args: { argv: ["sync"] }, agent: "task" });
  });
});

describe("refusals", () => {
  test("a goal nothing reads is refused naming the words not understood, with the closest things aiOS can do; it never guesses", async () => {
    const why = await passOf("install nginx for the website", nginxAvailable);
    expect(why).toStartWith('I did not understand "for the website" in "install nginx for the website"; closest things aiOS can do: ');
    expect(why).toContain('install a package (e.g. "install nginx")');
    expect(await passOf("add a user deploy with a random password")).toStartWith('I did not understand "with a random password" in "add a user deploy with a random password"; closest things aiOS can do: create or delete a user');
    expect(await passOf("frobnicate the quux")).toBe('I did not understand "frobnicate the quux"; aiOS can: install and remove packages; start, stop and restart services; show disk, memory, CPU and processes; read, write and edit files; manage users and groups; open and close firewall ports; schedule jobs; check ports, hosts and DNS; rotate logs and free disk space; undo changes; answer questions about aiOS');
  });

  test("out of scope and dangerous requests are refused with the reason", async () => {
    expect(await passOf("make me a sandwich")).toBe('"make me a sandwich" is refused: aiOS administers this machine (packages, services, files, users, the network, logs, its own documentation); it does not do that');
    expect(await passOf("delete the audit log")).toContain("the audit ledger is the record of every change");
    expect(await passOf("rm -rf /")).toBe("refused: / is a system directory; deleting or moving it would break the system");
    expect(await passOf("chmod 777 /etc")).toContain("mode 0777 makes /etc writable by every user");
  });

  test("one clause that does not read refuses the whole goal, naming it", async () => {
    const why = await passOf("install nginx and make coffee", nginxAvailable);
    expect(why).toBe('clause 2 of 2 ("make coffee") is refused: aiOS administers this machine (packages, services, files, users, the network, logs, its own documentation); it does not do that; the goal is refused as a whole');
    expect(await passOf("install nginx and then frobnicate it", nginxAvailable)).toStartWith('I did not understand clause 2 of 2 ("frobnicate it"); the goal is refused as a whole');
  });

  test("a pronoun with nothing before it, an empty goal, a cancelled planning", async () => {
    expect(await passOf("start it")).toBe('"start it": "it" refers to nothing before it; name what you mean');
    expect(await passOf("  ")).toBe("the goal is empty");
    const ctx = { ...planningContext("install nginx", nginxAvailable), signal: AbortSignal.abort() };
    expect(await planner.plan(ctx)).toEqual({ pass: "planning was cancelled" });
  });

  test("a plan needing a tool this system lacks, or one whose inputs differ, is refused, not emitted", async () => {
    const ctx = planningContext("free disk space");
    const r = await planner.plan({ ...ctx, tools: ctx.tools.filter((t) => t.name !== "sys.cleanup") });
    expect(r).toEqual({ pass: "the plan needs sys.cleanup, which this system does not have" });
    const old = { name: "sys.cleanup", description: "", risk: "high" as const, readOnly: false, idempotent: false, reversible: false, timeoutMs: 1, inputSchema: { type: "object", properties: { olderThanDays: { type: "integer" } }, additionalProperties: false } };
    const r2 = await planner.plan({ ...ctx, tools: [...ctx.tools.filter((t) => t.name !== "sys.cleanup"), old] });
    expect(r2).toEqual({ pass: "the plan's call to sys.cleanup does not fit this system's sys.cleanup (args.scopes: this version of the tool does not take it)" });
  });

  test("a planner with a smaller catalogue knows only it", async () => {
    const { INTENTS } = await import("./intents");
    const small = heuristicPlanner(INTENTS.filter((i) => i.name === "check-endpoint"));
    expect(await small.plan(planningContext("install nginx"))).toEqual({ pass: 'I did not understand "install nginx"; aiOS can: check a port or URL' });
  });
});
