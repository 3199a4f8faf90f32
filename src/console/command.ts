/**
 * REPL commands are data: `defineCommand` returns a plain object that the
 * help text, the dispatcher and the tests all read.
 */
import type { AgentInfo } from "../agents";
import type { AuditLedger, Memory } from "../memory";
import type { GoalEngine } from "../orchestrator";
import type { SystemInfo } from "../sys";
import type { Executor, ToolRegistry } from "../tools";
import type { SystemUpdates } from "../update";

export interface StepView { name: string; status: string; ms: number; command: string; detail?: string; error?: string }
export interface PhaseView { name: string; status: string; ms: number; reason?: string; steps: StepView[] }

/** What commands may ask of the running system; injected by the boot layer. */
export interface ConsoleDeps {
  system(): SystemInfo;
  phases(): PhaseView[];
  /** Runs a shell on the console; resolves with its exit code when it exits. */
  shell(): Promise<number>;
  power(action: "poweroff" | "reboot"): void;
  /** A/B system updates (update status|apply|rollback); absent when the boot did not set them up. */
  update?(): SystemUpdates | undefined;
  /** The agents with status, restarts, mailbox depth and capabilities in force; absent before they run. */
  agents?(): AgentInfo[];
  /** The tool registry, executor and ledger (tools, call, approvals, audit, rollback); absent when the tools step did not run. */
  tools?: ConsoleTools;
  /** The memory tiers (remember, recall, memory); absent when the memory step did not open them. */
  memory?(): Memory | undefined;
  /** The goal engine (goal, goals, trace, cancel); absent when the orchestrator step did not run. */
  goals?(): GoalEngine | undefined;
}

export interface ConsoleTools {
  registry: ToolRegistry;
  executor: Executor;
  ledger: AuditLedger;
  /** Picks the agent for `call` without `as <agent>` (the agents layer). */
  route?(tool: string): string | undefined;
}

export interface CommandIO {
  /** Prints a line; after the command returned (or ^C left it), the line goes above the prompt. */
  print(text: string): void;
  /** Aborted when the person presses ^C: the prompt is theirs again; stop, or go on quietly in the background. */
  signal?: AbortSignal;
  /** The line after the command name as typed, before word splitting (for JSON arguments). */
  raw?: string;
  deps: ConsoleDeps;
  commands: readonly Command[];
}

export interface Command {
  name: string;
  summary: string;
  usage?: string;
  run(args: string[], io: CommandIO): void | Promise<void>;
}

export function defineCommand(command: Command): Command {
  return command;
}
