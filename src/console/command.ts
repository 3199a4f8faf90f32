/**
 * REPL commands are data: `defineCommand` returns a plain object that the
 * help text, the dispatcher and the tests all read.
 */
import type { SystemInfo } from "../sys";

export interface StepView { name: string; status: string; ms: number; command: string; detail?: string; error?: string }
export interface PhaseView { name: string; status: string; ms: number; reason?: string; steps: StepView[] }

/** What commands may ask of the running system; injected by the boot layer. */
export interface ConsoleDeps {
  system(): SystemInfo;
  phases(): PhaseView[];
  /** Runs a shell on the console; resolves with its exit code when it exits. */
  shell(): Promise<number>;
  power(action: "poweroff" | "reboot"): void;
}

export interface CommandIO {
  print(text: string): void;
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
