/** What the API needs from the rest of the system, injected so the app runs without a socket in tests. */
import type { AgentInfo } from "../agents";
import type { InferenceRuntime } from "../inference";
import type { SystemInfo } from "../sys";
import type { GatewayOff, GatewayStatus, UsageTotal } from "../gateway";
import type { AuditLedger, Memory } from "../memory";
import type { GoalEngine } from "../orchestrator";
import type { FleetPort } from "../fleet/types";
import type { Executor, ToolRegistry } from "../tools";
import type { TokenStore } from "./tokens";
import type { SystemUpdates } from "../update";

export type PowerAction = "poweroff" | "reboot";
export type { SystemInfo };

export interface ApiDeps {
  /** The boot token: admin. */
  token(): string;
  /** Tokens made with POST /tokens (stored hashed on the data disk); default: an empty store in memory. */
  tokens?: TokenStore;
  system(): SystemInfo;
  power(action: PowerAction): void;
  /** A/B system updates behind /system/update and /system/rollback; absent in tests that do not need them. */
  update?(): SystemUpdates | undefined;
  /** The agents with status, restarts, mailbox depth and capabilities in force; absent or empty before they run. */
  agents?(): AgentInfo[];
  /** Crashes an agent on purpose (POST /agents/{name}/kill); its supervisor restarts it. */
  killAgent?(name: string, by: string): void;
  /** The local inference runtime behind /v1; absent when the ai-runtime phase did not start one. */
  inference?(): InferenceRuntime | undefined;
  /** The tool registry, executor and ledger behind /tools, /calls, /audit, /approvals; absent when the tools step did not run. */
  tools?: ToolsApi;
  /** The model gateway's status (never keys), or why boot built none. */
  gateway?(): GatewayStatus | GatewayOff;
  /** The memory tiers behind /memory; absent when the memory step did not open them. */
  memory?(): Memory | undefined;
  /** The goal engine behind /goals; absent when the orchestrator step did not run. */
  goals?(): GoalEngine | undefined;
  /** This node in the fleet behind /fleet; absent when fleet mode is off. */
  fleet?(): FleetPort | undefined;
  /** Tokens and calls per external provider this month (the gateway's usage), for /metrics. */
  gatewayUsage?(): UsageTotal[];
  /** Milliseconds between SSE comment heartbeats on goal event streams (default 15 s; tests use less). */
  sseHeartbeatMs?: number;
}

export interface ToolsApi {
  registry: ToolRegistry;
  executor: Executor;
  ledger: AuditLedger;
  /** Picks the agent for a call that names none (the agents layer); undefined when none fits. */
  route?(tool: string): string | undefined;
}
