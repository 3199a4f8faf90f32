/**
 * `aios-init ctl [--url URL] [--token T] [--json] VERB …`: the command-line
 * client of a running aiOS, over its HTTP API (or NATS for the fleet). It is
 * a client only: nothing of PID 1 is loaded or started, so it answers in the
 * time of one request.
 */
import { parseArgs } from "node:util";
import { CtlError, EXIT, EXIT_HELP, usageError } from "./errors";
import { Api } from "./http";
import { resolveSettings, type Settings } from "./settings";
import { type Ctx, FLAGS, type FlagName, type Flags, type Io, type Verb } from "./verb";
import { approvals, approve, deny } from "./verbs/approvals";
import { audit } from "./verbs/audit";
import { complete, completionVerb } from "./verbs/completion";
import { node, nodes } from "./verbs/fleet";
import { goal, goals, trace } from "./verbs/goals";
import { logs, models, power, status } from "./verbs/system";
import { call, rollback, tools } from "./verbs/tools";
import { update } from "./verbs/update";

export const VERBS: Verb[] = [status, goal, goals, trace, approvals, approve, deny, tools, call, rollback, audit, logs, models, power, update, nodes, node];
const ALL: Verb[] = [...VERBS, completionVerb(() => VERBS), complete];

export function usage(): string {
  const verbs = ALL.filter((v) => v.summary).map((v) => {
    const head = `  ${v.name}${v.args ? ` ${v.args}` : ""}`;
    const flags = (v.flags ?? []).map((f) => `--${f}${"value" in FLAGS[f] ? ` ${FLAGS[f].value}` : ""}`).join(" ");
    return `${head.padEnd(30)} ${v.summary}${flags ? `\n${" ".repeat(31)}${flags}` : ""}`;
  });
  const globals = Object.entries(FLAGS)
    .filter(([, f]) => "global" in f && f.global)
    .map(([n, f]) => `  ${`--${n}${"value" in f ? ` ${f.value}` : ""}`.padEnd(18)} ${f.help}`);
  const verbFlags = Object.entries(FLAGS)
    .filter(([, f]) => !("global" in f))
    .map(([n, f]) => `  ${`--${n}${"value" in f ? ` ${f.value}` : ""}`.padEnd(18)} ${f.help}`);
  return `usage: aios-init ctl [--url URL] [--token T] [--json] VERB [ARGS]

The client of a running aiOS: its HTTP API at --url, AIOS_URL or url in
~/.config/aios/config.toml (default http://127.0.0.1:8080), with the token of
--token, AIOS_TOKEN or token there. Fleet verbs use --nats (AIOS_NATS) when set.

verbs:
${verbs.join("\n")}

options:
${globals.join("\n")}
${verbFlags.join("\n")}

${EXIT_HELP}`;
}

const stdio: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function parse(argv: string[]) {
  const options = Object.fromEntries(
    Object.entries(FLAGS).map(([name, f]) => [name, { type: f.type, ...("short" in f ? { short: f.short } : {}) }]),
  ) as Record<FlagName, { type: "string" | "boolean"; short?: string }>;
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { flags: values as Flags, positionals };
  } catch (err) {
    throw usageError(`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, "")} (aios-init ctl --help)`);
  }
}

function timeoutMs(raw: string | undefined): number {
  if (raw === undefined) return 30_000;
  if (!/^\d{1,4}(\.\d+)?$/.test(raw) || Number(raw) <= 0) throw usageError(`--timeout: must be seconds, e.g. 30 (got ${JSON.stringify(raw)})`);
  return Number(raw) * 1000;
}

export interface CtlOptions {
  io?: Io;
  env?: Record<string, string | undefined>;
  home?: string;
  signal?: AbortSignal;
}

/** Runs one command line; returns the exit status. */
export async function ctl(argv: string[], opts: CtlOptions = {}): Promise<number> {
  const io = opts.io ?? stdio;
  let json = argv.includes("--json");
  const fleets: Array<{ close(): Promise<void> }> = [];
  try {
    const { flags, positionals } = parse(argv);
    json = !!flags.json;
    const [name, ...args] = positionals;
    if (flags.help || !name || name === "help") {
      io.out(usage());
      return name || flags.help ? EXIT.ok : EXIT.usage;
    }
    const verb = ALL.find((v) => v.name === name);
    if (!verb) throw usageError(`${name}: unknown verb (${VERBS.map((v) => v.name).join(", ")}, completion)`);
    const allowed = new Set<string>(verb.flags ?? []);
    for (const f of Object.keys(flags) as FlagName[]) {
      if (!("global" in FLAGS[f]) && !allowed.has(f)) throw usageError(`--${f}: not an option of ${name}${allowed.size ? ` (it takes ${[...allowed].map((a) => `--${a}`).join(", ")})` : ""}`);
    }
    const settings: Settings = resolveSettings(flags, opts.env ?? process.env, opts.home);
    if (verb.name !== "__complete") for (const w of settings.warnings) io.err(`aios-init ctl: ${w}`);
    const wait = timeoutMs(flags.timeout);
    let api: Api | undefined;
    let signal = opts.signal;
    const ctx: Ctx = {
      io,
      json,
      flags,
      settings,
      // Only a verb that follows something (goal --wait, logs -f) takes Ctrl-C over; others die of it as usual.
      get signal() {
        return (signal ??= interruptSignal());
      },
      api: () => (api ??= new Api(settings.url, settings.token, settings.from.token, verb.name === "__complete" ? 2000 : wait)),
      fleet: async () => {
        if (!settings.nats) throw usageError(`${name}: the fleet is reached over NATS: add --nats URL (or AIOS_NATS)`);
        const { FleetClient } = await import("../fleet/client");
        const c = await FleetClient.connect({ servers: settings.nats, token: settings.token, timeoutMs: wait }).catch((err: Error) => {
          throw new CtlError("unreachable", `cannot reach the fleet at ${settings.nats}: ${err.message}`, EXIT.unreachable, { cause: err });
        });
        fleets.push(c);
        return c;
      },
    };
    return await verb.run(ctx, args);
  } catch (err) {
    if (err instanceof CtlError) {
      if (json && err.body !== undefined) io.out(JSON.stringify(err.body, null, 2));
      io.err(`aios-init ctl: ${err.message}`);
      return err.exit;
    }
    io.err(`aios-init ctl: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
  } finally {
    for (const f of fleets) await f.close().catch(() => {});
  }
}

/** Ctrl-C stops following (the goal, the log) and ends the command with 130. */
function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  process.once("SIGINT", () => ac.abort());
  return ac.signal;
}
