/**
 * Prometheus metrics for GET /metrics (prom-client, one registry per app).
 * The hot paths only bump numbers: HTTP requests land in a plain Map
 * (http.ts), tool calls and inference jobs in prom-client counters and
 * histograms through the executor's and the queue's observers. Everything
 * else is a gauge read when Prometheus scrapes: boot phases, goals by state
 * and planner, approvals pending, audit rows, actor restarts, queue depth,
 * gateway usage, memory, RSS, event-loop lag.
 */
import type * as Prom from "prom-client";
import type { JobObservation } from "../inference/queue";
import { buildInfo, eventLoopLag, eventLoopStats, rssBytes } from "../sys";
import type { CallObservation } from "../tools";
import type { HttpCounts } from "./http";
import type { ApiDeps } from "./types";

// The four classes from prom-client's lib/, not its index: the index also loads the Pushgateway
// (node:http, node:https), the cluster aggregator, Summary (tdigest) and the default Node metrics
// (OpenTelemetry's API), none of which /metrics uses, and which cost ~13% of aios-init's module
// start-up. The package has no exports map; each file exports its class (module.exports = Class).
const Counter: typeof Prom.Counter = require("prom-client/lib/counter");
const Gauge: typeof Prom.Gauge = require("prom-client/lib/gauge");
const Histogram: typeof Prom.Histogram = require("prom-client/lib/histogram");
const Registry: typeof Prom.Registry = require("prom-client/lib/registry");

/** Seconds, from a millisecond up to the five-minute tool timeout. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface Metrics {
  registry: Prom.Registry;
  /** Body of GET /metrics. */
  scrape(): Promise<string>;
  /** Stops listening to the executor and the runtime (the app is done). */
  close(): void;
}

export function createMetrics(deps: ApiDeps, http: HttpCounts): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const unsubscribe: Array<() => void> = [];

  const b = buildInfo();
  new Gauge({ name: "aios_build_info", help: "The running aios-init: version and commit (value 1).", labelNames: ["version", "commit"], registers }).set({ version: b.version, commit: b.commit ?? "unknown" }, 1);

  new Counter({
    name: "aios_http_requests_total",
    help: "HTTP requests answered, by method, route pattern (never the raw path) and status.",
    labelNames: ["method", "route", "status"],
    registers,
    collect() {
      this.reset();
      for (const e of http.values()) this.inc({ method: e.method, route: e.route, status: e.status }, e.n);
    },
  });

  new Gauge({
    name: "aios_boot_phase_duration_seconds",
    help: "How long each boot phase took, by phase and outcome.",
    labelNames: ["phase", "status"],
    registers,
    collect() {
      this.reset();
      for (const p of deps.system().boot?.phases ?? []) this.set({ phase: p.name, status: p.status }, p.ms / 1000);
    },
  });
  new Gauge({
    name: "aios_boot_ready_seconds",
    help: "Seconds from the start (the kernel's, as PID 1) to ready.",
    registers,
    collect() {
      const ms = deps.system().boot?.readyMs;
      if (typeof ms === "number") this.set(ms / 1000);
    },
  });

  new Gauge({
    name: "aios_goals",
    help: "Goals by state and by the planner that planned them (none: not planned).",
    labelNames: ["state", "planner"],
    registers,
    collect() {
      this.reset();
      for (const r of deps.goals?.()?.counts() ?? []) this.set({ state: r.state, planner: r.planner ?? "none" }, r.n);
    },
  });

  // ---- tools ----------------------------------------------------------------
  const calls = new Counter({ name: "aios_tool_calls_total", help: "Tool calls by tool, agent and outcome (ok, error, timeout, cancelled, queued, refused).", labelNames: ["tool", "agent", "outcome"], registers });
  const callSeconds = new Histogram({ name: "aios_tool_call_duration_seconds", help: "Run time of tool calls that ran, by tool, agent and outcome.", labelNames: ["tool", "agent", "outcome"], buckets: LATENCY_BUCKETS, registers });
  const t = deps.tools;
  if (t) {
    unsubscribe.push(
      t.executor.observe((o: CallObservation) => {
        const labels = { tool: o.tool, agent: o.agent, outcome: o.outcome };
        calls.inc(labels);
        if ("seconds" in o) callSeconds.observe(labels, o.seconds);
      }),
    );
  }
  new Gauge({
    name: "aios_approvals_pending",
    help: "Tool calls held by the autonomy gate, waiting for a person.",
    registers,
    collect() {
      if (t) this.set(t.executor.approvals.pending().length);
    },
  });
  new Gauge({
    name: "aios_audit_rows",
    help: "Rows in the audit ledger.",
    registers,
    collect() {
      if (t) this.set(t.ledger.count());
    },
  });

  // ---- agents ---------------------------------------------------------------
  new Counter({
    name: "aios_actor_restarts_total",
    help: "Restarts of each agent's actor by its supervisor since boot.",
    labelNames: ["agent"],
    registers,
    collect() {
      this.reset();
      for (const a of deps.agents?.() ?? []) this.inc({ agent: a.name }, a.restarts);
    },
  });
  new Gauge({
    name: "aios_actor_mailbox_depth",
    help: "Messages waiting in each agent's mailbox.",
    labelNames: ["agent"],
    registers,
    collect() {
      this.reset();
      for (const a of deps.agents?.() ?? []) this.set({ agent: a.name }, a.mailboxDepth);
    },
  });

  // ---- inference ------------------------------------------------------------
  const jobSeconds = new Histogram({ name: "aios_inference_duration_seconds", help: "Run time of local inference jobs, by model, operation and outcome.", labelNames: ["model", "operation", "outcome"], buckets: LATENCY_BUCKETS, registers });
  let heard: unknown;
  const listen = () => {
    const rt = deps.inference?.();
    if (!rt || rt === heard) return rt;
    heard = rt;
    unsubscribe.push(
      rt.queue.observe((o: JobObservation) => {
        // Queue labels read "<operation> <model>" (runtime.ts).
        const at = o.label.indexOf(" ");
        jobSeconds.observe({ model: at < 0 ? o.label : o.label.slice(at + 1), operation: at < 0 ? "run" : o.label.slice(0, at), outcome: o.outcome }, o.seconds);
      }),
    );
    return rt;
  };
  listen();
  new Gauge({
    name: "aios_inference_queue_depth",
    help: "Inference jobs waiting, by priority class.",
    labelNames: ["priority"],
    registers,
    collect() {
      this.reset();
      const rt = listen();
      if (rt) for (const [priority, n] of Object.entries(rt.queue.stats().waiting)) this.set({ priority }, n);
    },
  });
  new Gauge({
    name: "aios_inference_running",
    help: "Inference jobs running now.",
    registers,
    collect() {
      const rt = listen();
      if (rt) this.set(rt.queue.stats().running);
    },
  });
  new Gauge({
    name: "aios_inference_models_loaded",
    help: "Local models loaded in memory.",
    registers,
    collect() {
      const rt = listen();
      if (rt) this.set(rt.list().filter((m) => m.loaded).length);
    },
  });

  // ---- gateway --------------------------------------------------------------
  new Gauge({
    name: "aios_gateway_month_tokens",
    help: "Tokens sent to and received from each external provider this calendar month (UTC).",
    labelNames: ["provider", "direction"],
    registers,
    collect() {
      this.reset();
      for (const u of deps.gatewayUsage?.() ?? []) {
        this.set({ provider: u.provider, direction: "input" }, u.inputTokens);
        this.set({ provider: u.provider, direction: "output" }, u.outputTokens);
      }
    },
  });
  const providers = () => {
    const g = deps.gateway?.();
    return g && g.enabled ? g.providers : [];
  };
  new Gauge({
    name: "aios_gateway_month_spend_usd",
    help: "Spent on each external provider this calendar month, in US dollars.",
    labelNames: ["provider"],
    registers,
    collect() {
      this.reset();
      for (const p of providers()) this.set({ provider: p.name }, p.budget.spentUsd);
    },
  });
  new Gauge({
    name: "aios_gateway_month_budget_usd",
    help: "Each external provider's monthly budget, in US dollars.",
    labelNames: ["provider"],
    registers,
    collect() {
      this.reset();
      for (const p of providers()) this.set({ provider: p.name }, p.budget.monthlyUsd);
    },
  });

  // ---- memory ---------------------------------------------------------------
  new Gauge({
    name: "aios_memory_documents",
    help: "Documents in long-term memory, by kind.",
    labelNames: ["kind"],
    registers,
    collect() {
      this.reset();
      const m = deps.memory?.();
      if (m) for (const [kind, n] of Object.entries(m.longterm.stats().documents)) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: "aios_memory_vectors",
    help: "Chunks of long-term memory with an embedding of the current model.",
    registers,
    collect() {
      const m = deps.memory?.();
      if (m) this.set(m.longterm.stats().vectors.indexed);
    },
  });

  // ---- the process ----------------------------------------------------------
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory of aios-init.",
    registers,
    collect() {
      this.set(rssBytes());
    },
  });
  new Counter({
    name: "process_cpu_seconds_total",
    help: "CPU time aios-init used, user and system.",
    registers,
    collect() {
      const u = process.cpuUsage();
      this.reset();
      this.inc((u.user + u.system) / 1e6);
    },
  });
  new Gauge({
    name: "aios_event_loop_lag_seconds",
    help: "How late the event-loop watchdog's probe last ran.",
    registers,
    collect() {
      this.set(lag().lastMs / 1000);
    },
  });
  new Gauge({
    name: "aios_event_loop_lag_max_seconds",
    help: "The largest event-loop lag since the previous scrape.",
    registers,
    collect() {
      this.set(lag().maxMs / 1000);
    },
  });
  new Counter({
    name: "aios_event_loop_stalls_total",
    help: "Event-loop stalls over the watchdog's threshold (100 ms) since boot.",
    registers,
    collect() {
      this.reset();
      this.inc(eventLoopStats().stalls);
    },
  });
  // Both lag gauges read one sample per scrape: the max resets when read.
  let sample: { at: number; v: ReturnType<typeof eventLoopLag> } | undefined;
  const lag = () => {
    const now = performance.now();
    if (!sample || now - sample.at > 50) sample = { at: now, v: eventLoopLag() };
    return sample.v;
  };

  return {
    registry,
    scrape: () => registry.metrics(),
    close: () => {
      for (const u of unsubscribe.splice(0)) u();
    },
  };
}
