/**
 * The audit ledger, read: who changed what (the newest entries, or those of
 * a time window: "in the last 10 minutes", "today", "since yesterday"), who
 * did something to one thing ("who installed nginx", "which calls touched
 * /etc/hosts": the tool and the text its arguments hold), and whether the
 * hash chain is intact. Windows are counted when the goal is planned, from
 * midnight for days; a calendar period the ledger's window cannot say
 * without a guess ("last week") is refused, naming what can be said.
 */
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, task } from "./common";

export interface AuditArgs {
  limit: number;
  /** "in the last 10 minutes": rows from that many seconds before planning. */
  sinceSeconds?: number;
  /** Rows from midnight this many days back (0: today, 1: yesterday). */
  sinceDays?: number;
  /** "yesterday": rows before midnight today. */
  untilToday?: boolean;
  /** The tool that did it ("installed" → pkg.install). */
  tool?: string;
  /** What its arguments name (a package, a path, a user, a port). */
  text?: string;
  /** One goal's calls: its number, or -1 for the goal before this one ("the last goal"). */
  goal?: number;
}

const RECENT = "(recently|lately|so far|just now|since boot|since the last boot)";
const WHO = "(who|@what (calls|call|changes|change|actions|action|tools|tool|agents|agent|tool calls|requests|goals)|which agent|what agent)";
/** Verbs said of a path: the ledger is searched for the path in any call's arguments. */
const TOUCHED = "(changed|modified|edited|touched|wrote|wrote to|written to|deleted|removed|created|moved|copied|updated|overwrote|overwritten|chmodded|chowned|renamed|read|accessed|made|wrote into)";

const ENTRIES = "(changes|audit log|audit logs|audit trail|audit ledger|audit entries|audit records|activity|actions|calls|tool calls|audit|change log|changelog|activity log|events)";
const GOAL = "(goal [number|#|no] {goal:number}|(last|previous|prior) goal <goal=-1>|goal before (this|this one) <goal=-1>)";

export const auditQuery = defineIntent<AuditArgs>({
  name: "audit-query",
  summary: "show who changed what (the audit ledger)",
  examples: ["who changed what?", "what changed today?", "show the audit log", "show the last 20 changes", "what happened in the last 10 minutes", "who installed nginx", "which calls touched /etc/hosts"],
  forms: [
    "who (changed|modified|did|touched|ran|installed|removed|deleted|edited|configured) (what|something|stuff|things|anything|this|that)",
    "who (has|have) (changed|modified|touched|done) (what|something|anything|things)",
    "@what (changed|was changed|has changed|has been changed|have you changed|did you change|did aios change|has aios changed|have you changed|did aios do|has aios done|happened|has happened|was done|have you done|did you do|has been done|changes were made|were the changes|actions were taken|went on|has gone on|was going on)",
    "@what [are|were] [the] (recent|latest|last) (changes|actions|calls|events)",
    "@show [the] [recent|latest|last] [{limit:count}] (changes|audit log|audit logs|audit trail|audit ledger|audit entries|audit records|activity|actions|calls|tool calls|audit)",
    "@show [the] (audit|change|activity) (log|history|trail|ledger)",
    "@show @what (changed|happened|was changed|was done|aios did|you did|aios has done|you have done|has been done)",
    "(audit log|audit trail|change log|changelog|activity log)",
    // One thing: the tool that does it and the name in its arguments.
    `${WHO} (installed|added|put) [package] {text:pkg} <tool=pkg.install>`,
    `${WHO} (uninstalled|purged|removed) [package] {text:pkg} <tool=pkg.remove>`,
    `${WHO} (started <tool=service.start>|stopped <tool=service.stop>|restarted <tool=service.restart>) [service] {text:service} [service]`,
    `${WHO} (created <tool=user.create>|deleted <tool=user.delete>|removed <tool=user.delete>|locked <tool=user.lock>|unlocked <tool=user.unlock>) (user|account|the user|the account) {text:user}`,
    `${WHO} (opened <tool=firewall.open>|unblocked <tool=firewall.open>|closed <tool=firewall.close>|blocked <tool=firewall.close>) port {port:port}`,
    `${WHO} (has|have|had) (changed|modified|edited|touched|deleted|removed|created|written to) [file|directory|folder] {text:path}`,
    `${WHO} ${TOUCHED} [file|directory|folder] {text:path}`,
    // "When was /etc/passwd last modified" is the file's mtime (fs.stat), whoever changed it; aiOS's own calls are asked with "who".
    `when (was|were) {text:pkg} (installed <tool=pkg.install>|removed <tool=pkg.remove>|uninstalled <tool=pkg.remove>)`,
    "@what (happened|was done|has happened|changed) (to|with) [file|directory|folder] {text:path}",
    "@show [the] (changes|history|audit entries|audit log|audit trail|calls|activity|actions) (to|of|for|on|about|touching|mentioning|involving|concerning|affecting) [file|directory|folder] {text:path}",
    "(has|did) (anyone|anybody|someone|somebody|aios|anything) (changed|modified|touched|edited|change|modify|touch|edit) [file|directory|folder] {text:path}",
    // A day before the entries: "today's audit log" ('s is a filler), "yesterday's changes".
    `[@show] [the] (today <day=0>|yesterday <day=1> <untilToday=true>|this week <older=true>|last week <older=true>|this month <older=true>|last month <older=true>) ${ENTRIES}`,
    // One goal's calls (their correlation id): "what did goal 12 change", "what did the last goal do".
    `@what (did|has) ${GOAL} (change|do|touch|modify|run|call|done|changed|touched|modified)`,
    `@what (changed|happened|was changed|was done) (in|during|with|by) ${GOAL}`,
    `@show [the] (changes|calls|tool calls|actions|audit entries|audit log|audit trail|steps) (of|from|in|made by|by|for) ${GOAL}`,
  ],
  qualifiers: [
    RECENT,
    "(on|to) [the] (system|machine|server|box)",
    "(in|during|over|within|for|from) [the] (last|past|previous) {since:seconds}",
    "(in|during|over|within|for|from) [the] (last|past|previous) {days:days}",
    "(today|so far today|this morning|this afternoon|this evening|since midnight|since this morning|since today) <day=0>",
    "since yesterday <day=1>",
    "[for|from|of|on] yesterday <day=1> <untilToday=true>",
    "(for|from|of) today <day=0>",
    "(last week|last month|this week|this month|last night|the other day) <older=true>",
  ],
  build(c) {
    if (c.has("older")) return refuse('a calendar period is not read without a guess; say a window from now (e.g. "in the last 7 days", "since yesterday", "today")');
    if (c.conflicting("day") || c.conflicting("since") || c.conflicting("days") || [c.has("day"), c.has("since"), c.has("days")].filter(Boolean).length > 1) return refuse("it gives two time windows");
    const limit = c.get<number>("limit") ?? 50;
    if (limit > 1000) return refuse("at most 1000 entries are read at once");
    const out: AuditArgs = { limit };
    if (c.has("since")) out.sinceSeconds = c.get<number>("since")!;
    if (c.has("days")) out.sinceSeconds = c.get<number>("days")! * 86_400;
    if (c.has("day")) out.sinceDays = c.get<number>("day")!;
    if (c.has("untilToday")) out.untilToday = true;
    if (out.sinceSeconds !== undefined && out.sinceSeconds > 3650 * 86_400) return refuse("windows up to 10 years are read");
    if (c.has("tool")) out.tool = c.get<string>("tool")!;
    if (c.has("goal")) out.goal = c.get<number>("goal")!;
    const text = c.has("port") ? String(c.get<number>("port")) : c.get<string>("text");
    if (text !== undefined) out.text = text;
    return out;
  },
  describe: (a) =>
    [
      a.goal !== undefined ? (a.goal < 0 ? "the calls of the goal before this one" : `the calls of goal ${a.goal}`) : a.tool ? `${a.tool} calls` : a.text !== undefined ? "calls" : `the newest ${a.limit} entries`,
      a.text !== undefined && `naming ${a.text}`,
      a.sinceSeconds !== undefined && `from the last ${a.sinceSeconds} s`,
      a.sinceDays === 0 && "from today",
      a.sinceDays === 1 && (a.untilToday ? "from yesterday" : "since yesterday"),
    ]
      .filter(Boolean)
      .join(", "),
  // A window is counted from when the goal is planned: a stored plan would read another window.
  reusable: false,
  async plan(a, ctx) {
    const args: Record<string, unknown> = { limit: a.limit };
    if (a.goal !== undefined) {
      // Goals are numbered in the order they arrive: the one before this is goalId - 1. Their calls carry the correlation id g<N>.
      const n = a.goal < 0 ? ctx.goalId - 1 : a.goal;
      if (n < 1) throw new IntentRefusal("there is no goal before this one");
      return [task("audit", `Show the calls of goal ${n}`, "security", [call("sec.audit_query", { ...args, correlationId: `g${n}` }, "each call of that goal: its tool, arguments, who asked and how it ended")])];
    }
    const midnight = (back: number) => {
      const d = new Date();
      d.setHours(0, 0, 0, 0);
      d.setDate(d.getDate() - back);
      return d.toISOString();
    };
    if (a.sinceSeconds !== undefined) args.since = new Date(Date.now() - a.sinceSeconds * 1000).toISOString();
    if (a.sinceDays !== undefined) args.since = midnight(a.sinceDays);
    if (a.untilToday) args.until = midnight(0);
    if (a.tool) args.tool = a.tool;
    // One thing asked about: each call once, by its request (the arguments, who asked).
    if (a.text !== undefined) {
      args.text = a.text;
      args.kind = "request";
    }
    const what = a.text !== undefined ? `the calls${a.tool ? ` of ${a.tool}` : ""} naming ${a.text}` : `the newest ${a.limit} audit entries`;
    return [task("audit", `Show ${what}${args.since ? " in the window asked" : ""}`, "security", [call("sec.audit_query", args, "every call: who (agent), what (tool, arguments), when and how it ended")])];
  },
});

export const auditVerify = defineIntent<Record<string, never>>({
  name: "audit-verify",
  summary: "check that the audit ledger is intact",
  examples: ["verify the audit log", "has the audit ledger been tampered with?"],
  forms: [
    "(verify|check|validate|audit|test) [the] [integrity of] [the] (audit log|audit trail|audit ledger|ledger|audit chain|hash chain|audit) [integrity|chain]",
    "(is|has) [the] (audit log|audit trail|audit ledger|ledger) (intact|been tampered with|tampered|valid|ok|consistent|been modified|been changed|been edited|untouched)",
    "(has|did) (anyone|anybody|someone|somebody) (tamper|tampered) with [the] (audit log|audit trail|audit ledger|ledger)",
  ],
  build: () => ({}),
  describe: () => "hash chain",
  async plan() {
    return [task("audit-verify", "Verify the audit ledger's hash chain", "security", [call("sec.audit_verify", {})])];
  },
});
