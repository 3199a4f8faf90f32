/**
 * Core services: the admin token, the tool system (ledger, registry, executor),
 * the HTTP management API and the console REPL.
 * Each started service is pushed on ctx.services so shutdown stops them in
 * reverse order.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createApi, startServer, TokenStore } from "../../api";
import { builtins, Repl } from "../../console";
import { consoleShell } from "../../init";
import { durationMs } from "../../config";
import { buildGateway, monthOf, UsageStore } from "../../gateway";
import { type Db, openDatabase, openMemory } from "../../memory";
import { openGoalStores } from "../../orchestrator";
import { log, systemInfo } from "../../sys";
import { openToolSystem, type ToolEnv } from "../../tools";
import { registerSecret } from "../../tools/redact";
import { pkgSettings } from "../../tools/pkg";
import type { BootContext } from "../context";
import { ADMIN_TOKEN, AGENTS, API_APP, API_URL, EMBEDDER, ENGINE, FLEET, GATEWAY, GATEWAY_OFF, GOAL_STORES, INFERENCE, MEMORY, TOOLS } from "../products";
import { definePhase, defineStep } from "../step";
import { docsStep } from "./docs";
import { orchestratorStep } from "./orchestrator";
import { firewallStep } from "./restore";
import { resolveToken } from "../token";

/** Dev mode binds loopback on the port `make run` forwards, so the same curl works for both. */
export const DEV_PORT = 8080;

function apiAddress(ctx: BootContext): { hostname: string; port: number } {
  const n = ctx.config.network;
  if (ctx.mode === "dev") return { hostname: "127.0.0.1", port: ctx.port ?? DEV_PORT };
  return { hostname: n.management_address, port: ctx.port ?? n.management_port };
}

function info(ctx: BootContext) {
  const update = ctx.update.status();
  return { ...systemInfo(ctx.report), version: update.version, commit: update.commit, slot: update.slot, update };
}

const ledgerPath = (ctx: BootContext) => join(ctx.paths.data, "ledger/audit.db");
/** The working tier's database (memory.working_db), which holds the gateway's usage. */
const workingDb = (ctx: BootContext) => join(ctx.paths.root, ctx.config.memory.working_db);
const longtermDb = (ctx: BootContext) => join(ctx.paths.root, ctx.config.memory.longterm_db);

/** Where tools act: the machine in the VM; `<state>/sandbox` in dev mode, so nothing on the host is touched. */
function toolEnv(ctx: BootContext): ToolEnv {
  const root = ctx.mode === "pid1" ? "/" : join(ctx.paths.root, "sandbox");
  const { data, log, run, secrets, etc } = ctx.paths;
  const n = ctx.config.network;
  // The API's port as bound (dev mode may pick one), else the configured one: the egress policy keeps agents off it.
  const managementPorts = () => {
    const url = ctx.products.find(API_URL);
    return [url ? Number(new URL(url).port) : (ctx.port ?? n.management_port)];
  };
  const servicePids = () => (ctx.products.find(TOOLS)?.executor.host.services?.list() ?? []).flatMap((s) => (s.pid === null ? [] : [s.pid]));
  const egress = { allowOutbound: n.allow_outbound, allow: n.egress_allow, managementPorts, servicePids };
  const sandbox = { spawn: ctx.config.security.spawn, agents: ctx.config.security.agents };
  return { mode: ctx.mode, root, fsRoots: ctx.config.tools.fs_roots, paths: { data, log, run, secrets, etc }, egress, sandbox };
}

/** The tool system as the API and the REPL see it, calls routed to the agent that owns the tool once agents run. */
function toolsView(ctx: BootContext) {
  const tools = ctx.products.find(TOOLS);
  return tools && { registry: tools.registry, executor: tools.executor, ledger: tools.ledger, route: (tool: string) => ctx.products.find(AGENTS)?.route(tool) };
}

export const services = definePhase({
  name: "services",
  required: true,
  steps: [
    defineStep({
      name: "token",
      provides: [ADMIN_TOKEN],
      describe: (ctx) => `cat ${ctx.paths.secrets}/api-token || head -c 24 /dev/urandom | base64 > ${ctx.paths.secrets}/api-token`,
      run: (ctx) => {
        const { token, source } = resolveToken(ctx.paths.secrets, ctx.token);
        ctx.products.provide(ADMIN_TOKEN, token);
        registerSecret(token); // wherever it shows up in a tool's output (/proc/1/cmdline), the ledger gets "[redacted]"
        return `from ${source}`;
      },
    }),
    defineStep({
      name: "memory",
      required: false,
      provides: [MEMORY, GOAL_STORES],
      describe: (ctx) => `aios-memory --working ${workingDb(ctx)} --longterm ${longtermDb(ctx)}`,
      run: (ctx) => {
        const memory = openMemory({ working: workingDb(ctx), longterm: longtermDb(ctx) }, ctx.config.memory, ctx.products.find(EMBEDDER));
        ctx.products.provide(MEMORY, memory);
        // The goal tables migrate in this same step: a data disk never holds memory's own kv
        // component without the goal chain whose first migration used to create kv, so an
        // A/B fallback to an older build (which runs that chain from 1) still opens it.
        ctx.products.provide(GOAL_STORES, openGoalStores(memory));
        ctx.services.push({ name: "memory", stop: () => memory.close() });
        const s = memory.longterm.stats();
        const docs = s.documents.document + s.documents.procedure + s.documents.decision;
        return `${docs} documents, ${s.chunks} chunks; embedding: ${s.vectors.model ? `${s.vectors.model} (${s.vectors.indexed} vectors)` : "none, full-text search only"}`;
      },
    }),
    defineStep({
      name: "tools",
      required: false,
      provides: [TOOLS],
      describe: (ctx) => `aios-tools --ledger ${ledgerPath(ctx)} --root ${toolEnv(ctx).root} --autonomy ${ctx.config.system.autonomy_level}`,
      run: async (ctx) => {
        const env = toolEnv(ctx);
        if (ctx.mode === "dev") for (const r of env.fsRoots) mkdirSync(join(env.root, r), { recursive: true });
        const level = ctx.config.system.autonomy_level;
        const memory = ctx.products.find(MEMORY); // optional: without it each family opens its own store
        const tools = await openToolSystem({
          ledgerPath: ledgerPath(ctx),
          env,
          level,
          defaultTimeoutMs: durationMs(ctx.config.tools.default_timeout),
          workingDb: memory?.working.db, // one connection for every family's store, not one each
          host: memory ? { knowledge: memory.longterm } : {}, // memory.search
        });
        ctx.products.provide(TOOLS, tools);
        tools.executor.host.pkg.configure(pkgSettings(env, ctx.config.pkg)); // [pkg] of config.toml
        tools.executor.host.power = (action, origin) => ctx.power(action, origin); // sys.power: the REPL's orderly shutdown
        tools.executor.host.firewall.setProtected([{ port: apiAddress(ctx).port, protocol: "tcp", what: "the management API" }]);
        ctx.services.push({ name: "tools", stop: () => tools.close() });
        return `${tools.registry.size} tools, autonomy ${level}, ledger at row ${tools.ledger.count()}, ${tools.executor.approvals.pending().length} approvals pending`;
      },
    }),
    firewallStep,
    defineStep({
      name: "gateway",
      required: false,
      provides: [GATEWAY, GATEWAY_OFF],
      describe: (ctx) => `aios-gateway --providers ${Object.keys(ctx.config.api).join(",")} --usage ${workingDb(ctx)}`,
      run: (ctx) => {
        let db: Db | undefined; // opened here only when the memory step did not run
        const usage = () => new UsageStore(ctx.products.find(MEMORY)?.working.db ?? (db = openDatabase(workingDb(ctx))));
        const { gateway, notes, reason } = buildGateway(ctx.config, { root: ctx.paths.root, usage });
        for (const note of notes) log.warn(`gateway: ${note}`);
        if (!gateway) {
          ctx.products.provide(GATEWAY_OFF, reason ?? "no provider");
          return { skip: reason ?? "no provider" };
        }
        ctx.products.provide(GATEWAY, gateway);
        ctx.services.push({ name: "gateway", stop: () => db?.close() });
        return gateway
          .status()
          .providers.map((p) => (p.available ? `${p.name} ${p.model}${p.fallbackOnly ? " (fallback)" : ""}` : `${p.name} off: ${p.reason}`))
          .join("; ");
      },
    }),
    orchestratorStep,
    docsStep,
    defineStep({
      name: "api",
      provides: [API_APP, API_URL],
      describe: (ctx) => {
        const a = apiAddress(ctx);
        return `aios-api --listen ${a.hostname}:${a.port}`;
      },
      run: (ctx) => {
        const tokens = new TokenStore(join(ctx.paths.secrets, "api-tokens.json")); // POST /api/v1/tokens; stored hashed
        const p = ctx.products; // agents and fleet come in later phases: read when asked for
        const memory = p.find(MEMORY);
        const usage = memory && new UsageStore(memory.working.db);
        const app = createApi({
          token: () => p.find(ADMIN_TOKEN) ?? "",
          tokens,
          gatewayUsage: usage && (() => usage.totals(monthOf(Date.now()))),
          system: () => info(ctx),
          power: (action) => ctx.power(action, "api"),
          update: () => ctx.update,
          agents: () => p.find(AGENTS)?.list() ?? [], // the agents phase runs after this one
          killAgent: (name, by) => p.find(AGENTS)?.kill(name, by),
          inference: () => p.find(INFERENCE),
          gateway: () => p.find(GATEWAY)?.status() ?? { enabled: false, reason: p.find(GATEWAY_OFF) ?? GATEWAY_OFF.absent },
          memory: () => memory,
          goals: () => p.find(ENGINE),
          tools: toolsView(ctx),
          fleet: () => p.find(FLEET),
        });
        p.provide(API_APP, (req) => app.fetch(req));
        const n = ctx.config.network;
        const server = startServer(app, { ...apiAddress(ctx), tls: n.management_tls ? { cert: n.tls_cert, key: n.tls_key } : undefined });
        p.provide(API_URL, server.url);
        ctx.services.push({ name: "api", stop: () => (tokens.flush(), server.stop()) });
        return `listening on ${server.url}`;
      },
    }),
    defineStep({
      name: "repl",
      required: false,
      deferred: true, // the prompt comes after the ready line anyway: building it is not on the way there
      describe: () => "aios-repl < /dev/console > /dev/console",
      run: (ctx) => {
        const repl: Repl = new Repl({
          input: process.stdin,
          output: process.stdout,
          commands: builtins,
          deps: {
            system: () => info(ctx),
            phases: () => ctx.report.phases,
            shell: () => repl.lend(() => consoleShell(ctx.config.boot.shell, ctx.mode === "pid1")),
            power: (action) => ctx.power(action, "console"),
            update: () => ctx.update,
            agents: () => ctx.products.find(AGENTS)?.list() ?? [],
            memory: () => ctx.products.find(MEMORY),
            goals: () => ctx.products.find(ENGINE),
            tools: toolsView(ctx),
          },
        });
        ctx.afterReady.push(() => repl.start());
        ctx.services.push({ name: "repl", stop: () => repl.stop() });
        return process.stdin.isTTY ? "on the console (raw)" : "on stdin (lines)";
      },
    }),
  ],
});
