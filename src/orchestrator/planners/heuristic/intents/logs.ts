/**
 * Logs, read: a service's output, aiOS's own log, the last lines of a log
 * file under /var/log (monitor.logs' `path`), errors in any of them, lines
 * from the last hour or from today (`since`, counted when planned).
 */
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, definedServices, task } from "./common";

export interface LogArgs {
  /** service:<name>, aios, or a path under /var/log. */
  source: string;
  lines?: number;
  grep?: string;
  ignoreCase?: boolean;
  /** "from the last hour": lines from that many seconds before planning. */
  sinceSeconds?: number;
  /** "from today": lines since midnight, local time. */
  sinceToday?: boolean;
}

const LOG = "(log|logs|log file|log files|output|journal|messages)";
const LAST = "[the] [last|latest|recent|most recent|final|newest] [{lines:count}] [lines|entries|messages|records]";
const ERRORS = "(errors <grep=error>|error messages <grep=error>|error <grep=error>|warnings <grep=warn>|warning <grep=warn>|failures <grep=fail>|problems <grep=error>|issues <grep=error>)";

export const showLogs = defineIntent<LogArgs>({
  name: "show-logs",
  summary: "show logs",
  examples: ["show the logs of nginx", "nginx logs", "show the last 50 lines of /var/log/syslog", "show recent errors in the nginx log", "tail -n 20 /var/log/messages"],
  forms: [
    `@show ${LAST} [of|from|in] [the] {svc:service} [@service] ${LOG}`,
    `@show ${LAST} [of|from|in] [the] ${LOG} (of|for|from) [the] [@service] {svc:service} [@service]`,
    `@show ${LAST} [of|from|in] [the] (aios|aios's|aios own|main|own) ${LOG} <aios=true>`,
    `@show ${LAST} [of|from|in] [the] ${LOG} <aios=true>`,
    `@show ${LAST} (of|from|in) [file] {path:path}`,
    "(last|latest|final|newest|most recent) [{lines:count}] (lines|entries|messages) (of|from|in) [file] {path:path}",
    `@show ${LAST} [of|from|in] [the] (system log|syslog|system logs) <syslog=true>`,
    `{svc:service} ${LOG}`,
    `(read|check|view|look at|open|inspect) [the] {svc:service} [@service] ${LOG}`,
    `(read|check|view|look at|inspect) [the] ${LOG} (of|for) [the] {svc:service} [@service]`,
    `(read|check|view|look at|inspect) [the] [aios|main|own] ${LOG} <aios=true>`,
    `@show [the] [recent|latest|last|any] {svc:service} [@service] ${ERRORS}`,
    `@show [the] [recent|latest|last|any] ${ERRORS} [(in|from|of) [the] ({svc:service} [@service] ${LOG}|${LOG} (of|for) {svc:service}|(aios|aios's|main) ${LOG}|${LOG}|{path:path}|(system log|syslog) <syslog=true>)]`,
    `(are|were) there [any] ${ERRORS} [(in|from) [the] ({svc:service} [@service] ${LOG}|${LOG}|{path:path})]`,
    `@what [is|are] [the] [latest|last|recent] ${ERRORS} [(in|from) [the] ({svc:service} [@service] ${LOG}|${LOG}|{path:path})]`,
    "tail [-n {lines:count}] {path:path}",
    "tail {path:path} [-n {lines:count}]",
  ],
  qualifiers: [
    "(containing|matching|with|that mention|mentioning|that contain|including|about|for) {grep:quoted}",
    "(last|latest) {lines:count} (lines|entries|messages)",
    "(ignoring case|case-insensitively|case insensitive) <ignoreCase=true>",
    "(from|in|during|over|within|for) [the] (last|past|previous) {since:seconds}",
    "(from|since|of) today <today=true>",
    "today <today=true>",
  ],
  build(c) {
    if (c.conflicting("grep")) return refuse("look for one thing at a time");
    const lines = c.get<number>("lines");
    if (lines !== undefined && lines > 1000) return refuse("at most 1000 lines are shown");
    const path = c.get<string>("path");
    if (path !== undefined && !path.startsWith("/var/log/")) return refuse(`${path} is not under /var/log; "show ${path}" reads a file`);
    const source = c.has("svc") ? `service:${c.get<string>("svc")}` : path ?? (c.has("syslog") ? "/var/log/syslog" : "aios");
    const out: LogArgs = { source };
    if (lines !== undefined) out.lines = lines;
    if (c.has("since")) out.sinceSeconds = c.get<number>("since")!;
    if (c.has("today")) out.sinceToday = true;
    const grep = c.get<string>("grep");
    if (grep !== undefined) {
      out.grep = grep;
      // A word picked for the person ("errors") matches Error and ERROR too; a quoted one is as written unless told.
      if (["error", "warn", "fail"].includes(grep) || c.has("ignoreCase")) out.ignoreCase = true;
    }
    return out;
  },
  object: (a) => (a.source.startsWith("service:") ? a.source.slice(8) : undefined),
  describe: (a) => `${a.source}${a.lines ? `, last ${a.lines} lines` : ""}${a.grep ? `, lines with "${a.grep}"` : ""}${a.sinceSeconds ? `, from the last ${a.sinceSeconds} s` : ""}${a.sinceToday ? ", from today" : ""}`,
  // "the last hour" is counted from when it is planned: a stored plan would read another hour.
  reusable: false,
  async plan(a, ctx) {
    if (a.source.startsWith("service:")) {
      const name = a.source.slice(8);
      const defined = await definedServices(ctx);
      if (defined && !defined.some((s) => s.name === name) && !ctx.earlier.services.has(name)) throw new IntentRefusal(`there is no service named ${name}`);
    }
    return [logTask(a)];
  },
});

/** The monitor.logs call that reads a log: a source (service:NAME, aios) or a path under /var/log. */
export function logTask(a: LogArgs, id = "logs") {
  const title = `Show ${a.source.startsWith("service:") ? `${a.source.slice(8)}'s log` : a.source === "aios" ? "aiOS's log" : a.source}`;
  const { sinceSeconds, sinceToday, ...args } = a;
  const at = sinceToday ? new Date(new Date().setHours(0, 0, 0, 0)) : sinceSeconds !== undefined ? new Date(Date.now() - sinceSeconds * 1000) : undefined;
  const since = at ? { since: at.toISOString() } : {};
  if (args.source.startsWith("/")) {
    const { source, ...rest } = args;
    return task(id, title, "monitor", [call("monitor.logs", { path: source, ...rest, ...since })]);
  }
  return task(id, title, "monitor", [call("monitor.logs", { ...args, ...since })]);
}
