/**
 * A verb of `aios-init ctl` as data: its name, arguments, flags and help
 * line drive the parser, `ctl --help` and bash completion alike.
 */
import type { Api } from "./http";
import type { Settings } from "./settings";
import type { FleetClient } from "../fleet/client";
import { usageError } from "./errors";

export interface Io {
  /** The verb's result: text, or JSON with --json. */
  out(text: string): void;
  /** Progress and notes for a person; never part of --json output. */
  err(text: string): void;
}

/** Every flag the command line knows; `global` ones go with every verb. */
export const FLAGS = {
  url: { type: "string", global: true, value: "URL", help: "the API (default http://127.0.0.1:8080; AIOS_URL)" },
  token: { type: "string", global: true, value: "T", help: "bearer token (AIOS_TOKEN; prefer the env or the config file: argv is visible to others)" },
  nats: { type: "string", global: true, value: "URL", help: "fleet verbs over NATS instead of the node's HTTP API (AIOS_NATS)" },
  json: { type: "boolean", global: true, help: "print the API's data as JSON" },
  timeout: { type: "string", global: true, value: "S", help: "seconds to wait for each answer (default 30)" },
  help: { type: "boolean", short: "h", global: true, help: "this help" },
  wait: { type: "boolean", help: "follow the goal live until it ends; the exit status says how" },
  autonomy: { type: "string", value: "LEVEL", help: "full, supervised or manual for this goal" },
  labels: { type: "string", value: "K=V,…", help: "a fleet goal to the nodes with these labels" },
  nodes: { type: "string", value: "A,B", help: "a fleet goal to these nodes" },
  all: { type: "boolean", help: "a fleet goal to every node" },
  deadline: { type: "string", value: "DUR", help: "how long a fleet goal gathers answers (30s, 2m; default 60s)" },
  limit: { type: "string", value: "N", help: "how many rows" },
  cursor: { type: "string", value: "C", help: "the page after this cursor (the `next` of the previous page)" },
  agent: { type: "string", value: "NAME", help: "the agent that makes the call (default: the one routed to)" },
  remember: { type: "boolean", help: "approve this call and every later one like it" },
  reason: { type: "string", value: "TEXT", help: "why (kept in the audit)" },
  verify: { type: "boolean", help: "check the hash chain instead of listing rows" },
  node: { type: "string", value: "NAME", help: "one node of the fleet" },
  tool: { type: "string", value: "NAME", help: "only rows of this tool" },
  follow: { type: "boolean", short: "f", help: "keep printing new lines" },
  lines: { type: "string", value: "N", help: "how many lines (default 50)" },
  source: { type: "string", value: "SRC", help: "aios (default), service:NAME, spawn:ID or a log file's name" },
  names: { type: "boolean", help: "names only, one a line" },
} as const;

export type FlagName = keyof typeof FLAGS;
export type Flags = { [K in FlagName]?: (typeof FLAGS)[K]["type"] extends "boolean" ? boolean : string };

export interface Ctx {
  io: Io;
  json: boolean;
  flags: Flags;
  settings: Settings;
  /** The node's HTTP API. */
  api(): Api;
  /** The fleet over NATS (--nats); loaded only by the verbs that use it. */
  fleet(): Promise<FleetClient>;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
}

export interface Verb {
  name: string;
  /** What follows the name in usage lines. */
  args?: string;
  summary: string;
  flags?: FlagName[];
  /** Completes the word after the verb (bash completion): a fixed list, or a `__complete` query. */
  complete?: string[] | "tools";
  /** The first word may also be a file's name (completed from the directory too). */
  files?: boolean;
  run(ctx: Ctx, args: string[]): Promise<number>;
}

export const defineVerb = (v: Verb): Verb => v;

/** Prints `data` as JSON with --json, else the text. */
export function print<T>(ctx: Ctx, data: T, text: (d: T) => string): void {
  ctx.io.out(ctx.json ? JSON.stringify(data, null, 2) : text(data));
}

/** A positive integer flag, or the usage error naming it. */
export function intFlag(ctx: Ctx, name: FlagName, fallback: number, max = 10_000): number {
  const raw = ctx.flags[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== "string" || !/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw usageError(`--${name}: must be an integer 1..${max} (got ${JSON.stringify(raw)})`);
  return Number(raw);
}
