/**
 * Disk space and logs: sys.cleanup with the scopes asked for (rotated logs,
 * the package cache, /tmp, each with an age), rotating logs now, log
 * rotation policies. Cleanup is irreversible, so it is planned only when
 * asked, and only in the scopes asked: "clean up old logs" touches rotated
 * logs and nothing else; "free disk space" proposes the three safe scopes
 * (never live logs, never undo records), after showing the disk.
 */
import type { Scope, ScopeWord } from "../domain";
import { daemonFor } from "../daemons";
import { type Captured, defineIntent, IntentRefusal, refuse } from "../intent";
import { call, probe, task } from "./common";

export interface CleanupArgs {
  scopes: Array<{ kind: Scope; olderThanDays: number }>;
  dryRun?: boolean;
  /** Asked for space in general (the three safe scopes), or for these scopes by name. */
  general: boolean;
}

const ALL_SCOPES: readonly Scope[] = ["logs", "package-cache", "tmp"];
/** "old" with no age: a week, as sys.cleanup has always taken it. */
export const DEFAULT_DAYS = 7;

const CLEAN = "(clean|clean up|cleanup|clean out|tidy|tidy up|clear|clear out|clear up|purge|empty|prune|trim|flush|(delete|remove|get rid of|erase|wipe|wipe out|throw away|trash|zap) <hard=true>)";
const SPACE = "(disk space|space|disk|room|storage|drive space|some space|some room)";

export const freeDiskSpace = defineIntent<CleanupArgs>({
  name: "free-disk-space",
  summary: "free disk space (rotated logs, package cache, /tmp)",
  examples: ["free disk space", "clean up old logs", "empty the package cache", "clear /tmp", "clean up files older than 3 days", "how much space could I free?"],
  forms: [
    `(free|free up|reclaim|recover|make|get back|release|gain|find) [some|more] ${SPACE} <general=true>`,
    `(i|we) (need|want|could use) [some|more] (disk space|space|room|free space|storage) [on disk] <general=true>`,
    `(clean|clean up|cleanup|tidy up|tidy) [the] (disk|system|machine|filesystem|storage|drive|box|server) <general=true>`,
    `(clean|clean up|cleanup|tidy up|clear out) [all] [the] [old] (junk|garbage|cruft|clutter|leftovers|unneeded files|unnecessary files|stuff|files) <general=true>`,
    `${CLEAN} [all <all=true>] [only|just] [the] [old <old=true>|rotated <old=true>|archived <old=true>|stale <old=true>] {scopes:scopes}`,
    `${CLEAN} [the] [old <old=true>|rotated <old=true>] {scopes:scopes} (only|alone)`,
    "(delete|remove|clear|empty|wipe|clean out|clean up|get rid of) (everything|all files|all the files|all the stuff|all) (in|under|from|inside) (/tmp|tmp|temp) <all=true> <tmpall=true>",
    "how much (space|disk space|disk|room) (could|can|would) (i|we|you|it) (free|free up|reclaim|recover|get back|save|gain) <general=true> <dryRun=true>",
    "how much (space|disk space) (would|could) (cleaning|cleaning up|a cleanup|clean up) (free|give|save|reclaim) <general=true> <dryRun=true>",
  ],
  qualifiers: [
    "(that are|which are) older than {days:days}",
    "older than {days:days}",
    "(more than|over) {days:days} old",
    "from (more than|over) {days:days} ago",
    "(on|from|in) [the] (disk|system|drive|filesystem)",
    "(to|so as to|in order to) (free|free up|make|get|reclaim) [some|more] " + SPACE,
    "[as] [a] (dry run|dry-run|--dry-run|simulation) <dryRun=true>",
    "(and|but) (only|just) (show|tell me|list) (what|how much) (would|could) (go|be deleted|be freed|be removed)",
    "(but|except|excluding|apart from|other than|without touching|without) [the] {except:scopes}",
    "(but|and) (do not|never) (touch|delete|remove|clean|clear) [the] {except:scopes}",
    "(but|and) (keep|leave|spare) [the] {except:scopes} [alone]",
  ],
  build(c) {
    const words = c.has("tmpall") ? (["tmp"] as ScopeWord[]) : c.get<ScopeWord[]>("scopes");
    // Deleting "the logs" may mean live logs, which cleanup never touches: only old or rotated ones are offered.
    if (words?.includes("log") && c.has("hard") && !c.has("old")) return refuse('only rotated logs can be deleted (live logs are rotated first); say "delete old logs" or "rotate the logs"');
    const named = words?.map((w): Scope => (w === "log" ? "logs" : w));
    const except = new Set(c.all<ScopeWord[]>("except").flat().map((w): Scope => (w === "log" ? "logs" : w)));
    const general = !named;
    if (named && named.some((s) => except.has(s))) return refuse("it names the same thing to clean and to keep");
    const kinds = (named ?? ALL_SCOPES).filter((s) => !except.has(s));
    if (kinds.length === 0) return refuse("nothing is left to clean once the exceptions are taken out");
    const days = c.get<number>("days") ?? (c.has("all") ? 0 : DEFAULT_DAYS);
    if (days > 3650) return refuse("ages up to 10 years (3650 days) are understood");
    const out: CleanupArgs = { scopes: kinds.map((kind) => ({ kind, olderThanDays: days })), general };
    if (c.has("dryRun")) out.dryRun = true;
    return out;
  },
  describe: (a) => `${a.scopes.map((s) => s.kind).join(", ")}, older than ${a.scopes[0]!.olderThanDays} days${a.dryRun ? ", dry run" : ""}`,
  async plan(a) {
    const what = a.scopes.map((s) => (s.kind === "logs" ? "rotated logs" : s.kind === "tmp" ? "/tmp files" : "cached packages")).join(", ");
    const args = a.dryRun ? { scopes: a.scopes, dryRun: true } : { scopes: a.scopes };
    return [
      task("disk-usage", "Show disk usage before cleaning", "storage", [call("monitor.disk", {})]),
      task("cleanup", a.dryRun ? `List what cleaning ${what} would free` : `Delete ${what} older than ${a.scopes[0]!.olderThanDays} days`, "storage", [
        call("sys.cleanup", args, `only ${what}${a.scopes.some((s) => s.kind === "logs") ? " (rotated generations, never live logs)" : ""}; never the undo record of a change that can still be rolled back; not reversible`),
      ], ["disk-usage"]),
    ];
  },
});

export const rotateLogs = defineIntent<{ path?: string }>({
  name: "rotate-logs",
  summary: "rotate logs now",
  examples: ["rotate the logs", "rotate /var/log/syslog now", "force a log rotation"],
  forms: [
    "rotate [all] [the] (log|logs|log files) [now|immediately|right away]",
    "rotate {path:path} [now|immediately]",
    "(force|run|do|trigger|perform) [a] [log] (rotation|logrotate|log rotation) [now]",
    "logrotate",
  ],
  qualifiers: ["(according to|per|following) [the] (policy|policies)"],
  build: (c) => (c.has("path") ? { path: c.get<string>("path")! } : {}),
  describe: (a) => a.path ?? "every log with a policy",
  async plan(a) {
    return [task("rotate", `Rotate ${a.path ?? "the logs"} now`, "system", [call("log.rotate", { ...a }, "name.log → name.log.1 → … keeping the policy's generations; not reversible")])];
  },
});

export interface PolicyArgs {
  pattern: string;
  keep: number;
  maxBytes?: number;
  maxAgeDays?: number;
  /** "keep logs for 14 days": how long, read as that many daily (or said) rotations; not an argument of log.set_policy. */
  retainDays?: number;
}

const DEFAULT_PATTERN = "/var/log/*.log";
const AIOS_LOG = "/var/log/aios/aios.log";
const TARGET = `([all|each|every] [the] (log|logs|log files|logfiles|log file) [(in|under) /var/log]|[the] {svclog:service} [@service] (log|logs|log files|logfiles|log file)|[the] (logs|log files|logfiles) (of|for|from) [the] {svclog:service} [@service]|[the] (aios|aios's|aios own|aios's own|own) (log|logs) <aios=true>|[the] (syslog|system log|syslog file) <path=/var/log/syslog>|{glob:glob}|{path:path})`;
const WHEN = "(daily <age=1>|weekly <age=7>|monthly <age=30>|nightly <age=1>|every day <age=1>|every night <age=1>|once a day <age=1>|every week <age=7>|once a week <age=7>|every month <age=30>|once a month <age=30>|every {age:days}|after {age:days}|each day <age=1>|each week <age=7>)";
const GROWS = "(exceed|exceeds|reach|reaches|hit|hits|get bigger than|gets bigger than|grow beyond|grows beyond|grow past|grows past|are larger than|is larger than|are bigger than|is bigger than|get over|gets over|go over|goes over|pass|passes|get to|gets to|are over|is over|grow over|grows over|get larger than|gets larger than|grow to|grows to)";
const AT_MOST = "[only|at most|no more than|not more than|up to|a maximum of|max|maximum|maximum of]";
const COPIES = "(copies|copy|generations|generation|versions|version|files|logs|rotations|backups|archives|rotated logs|old logs|rotated files|old files)";
const KEEP = `(keeping|keep|and keep|retain|retaining|and retain|with|saving|save|and save|holding|and hold) ${AT_MOST} [the] [last|latest|most recent] {keep:count} [old|rotated|archived|previous|compressed|older|past] [${COPIES}]`;
/** A size that triggers rotation, said after the target. */
const AT_SIZE = "(at|over|above|past|beyond|by size at|when over|once over|when above) {size:size}";

export const logPolicy = defineIntent<PolicyArgs>({
  name: "log-policy",
  summary: "set how logs are rotated",
  examples: ["rotate logs daily keeping 7", "rotate /var/log/*.log when they reach 10M, keep 5", "keep 4 rotated copies of the aiOS log, rotating weekly"],
  forms: [
    `rotate ${TARGET} ${WHEN}`,
    `rotate ${TARGET} (when|once|if|whenever) (they|it|a log|logs|each log|one|the file|a file) ${GROWS} {size:size}`,
    `rotate ${TARGET} (at|over|above|past|beyond|by size at) {size:size}`,
    `rotate ${TARGET} ${KEEP}`,
    `(keep|retain|save) ${AT_MOST} [the] [last] {keep:count} [old|rotated|archived|previous|compressed] ${COPIES} (of|for) ${TARGET}`,
    `(do not|never) keep more than {keep:count} [old|rotated|archived|previous|compressed] ${COPIES} (of|for) ${TARGET}`,
    `(set|change|make|update|lower|raise|reduce|increase) [the] (number|count|amount) of [kept|old|rotated|archived|retained|saved] ${COPIES} [kept] (for|of) ${TARGET} to {keep:count}`,
    `(set|make|change|configure|update|adjust|set up|setup) [the] [log|logs] (rotation|retention|logrotate) [policy|policies|rule|rules|settings|config|configuration] [(for|of|on) ${TARGET}] (to|as) (${WHEN}|{size:size}|rotate at {size:size})`,
    `(set up|setup|configure|enable|add|create|define|turn on|start|use) [a|an] [${WHEN}] [log|logs|logfile] (rotation|retention|logrotate) [policy|rule|config|configuration] [(for|of|on) ${TARGET}]`,
    `(limit|cap|restrict|bound|keep) [the] [size of] ${TARGET} (to|at|under|below) {size:size}`,
    `(do not|never) (let|allow) ${TARGET} (grow|get) (beyond|past|over|bigger than|larger than|above|more than) {size:size}`,
    // How long logs are kept: "keep logs for 14 days", "keep two weeks of logs", "set the log retention to 30 days".
    `[only|just] (keep|retain|save|hold|store|preserve|hold on to|hang on to) ${AT_MOST} [the] ${TARGET} [for|during] ${AT_MOST} [the] [last|past] {retain:days}`,
    `[only|just] (keep|retain|save|hold|store|preserve|hold on to|hang on to) ${AT_MOST} [the] [last|past] {retain:days} (of|worth of|of the) ${TARGET}`,
    `${TARGET} (should|must|need to|have to|are to|shall) (be kept|be retained|be stored|stay|be saved) (for|during) ${AT_MOST} {retain:days}`,
    `(set|change|make|update|configure) [the] [log|logs] retention [(for|of|on) ${TARGET}] to {retain:days}`,
    `(set|change|make|update|configure) [the] retention (of|for) ${TARGET} to {retain:days}`,
    `(do not|never) (keep|retain|store|hold) ${TARGET} (longer than|for longer than|more than|for more than|past|beyond|over) {retain:days}`,
    `${TARGET} (should|must|may|can) (not|never) (be kept|be retained|stay|be stored) (longer than|for longer than|more than|for more than|past|beyond|over) {retain:days}`,
  ],
  qualifiers: [KEEP, WHEN, AT_SIZE, "[and|,] [only|just] (keep|keeping|retain|retaining) (them|it|the logs|logs|the files|each) (for|during) {retain:days}", `(when|once|if|whenever) (they|it|a log|logs|each log|one|the file|a file) ${GROWS} {size:size}`, "(or|and) (when|once|if) (they|it) (are|is|get|gets) (bigger|larger) than {size:size}", "(and|then) rotate", "(rotating|rotated|and rotate|rotate them|rotate it|rotate|rotate them|rotation)"],
  build(c) {
    if (c.has("retain")) return retention(c);
    if (!c.has("keep")) return refuse('say how many rotated copies to keep (e.g. "keeping 7")');
    const keep = c.get<number>("keep")!;
    if (keep > 100) return refuse("at most 100 rotated copies are kept");
    if (c.conflicting("age") || c.conflicting("size")) return refuse("it gives two different rotation rules");
    const pattern = patternOf(c);
    if (typeof pattern !== "string") return pattern;
    const out: PolicyArgs = { pattern, keep };
    if (c.has("size")) out.maxBytes = c.get<number>("size")!;
    if (c.has("age")) out.maxAgeDays = c.get<number>("age")!;
    return out;
  },
  // "…and rotate it now": a policy for one file is that file.
  object: (a) => (/[*?[]/.test(a.pattern) ? undefined : a.pattern),
  describe: (a) =>
    `${a.pattern}: ${a.retainDays !== undefined ? `kept ${a.retainDays} days (` : ""}keep ${a.keep}${a.maxAgeDays !== undefined ? `, every ${a.maxAgeDays} day${a.maxAgeDays === 1 ? "" : "s"}` : ""}${a.maxBytes !== undefined ? `, at ${a.maxBytes} bytes` : ""}${a.retainDays !== undefined ? ")" : ""}`,
  reusable: false,
  async plan(a, ctx) {
    const { retainDays, ...args } = a;
    let why = "kept on the data disk and applied by the autonomy loop; undo restores the previous policy";
    // Only how many to keep was said: the policy's size and age rules stay as they are (set_policy replaces the whole policy).
    // Only how long: its size rule stays (it only ever makes a copy cover less time, never keeps a log longer).
    if ((a.maxBytes === undefined && a.maxAgeDays === undefined) || (retainDays !== undefined && a.maxBytes === undefined)) {
      const r = await probe<{ policies: Array<{ pattern: string; maxBytes: number | null; maxAgeDays: number | null }> }>(ctx, "log.policies", {});
      if (!r.ok) throw new IntentRefusal(`cannot read the rotation policy of ${a.pattern} to keep its size and age rules (log.policies: ${r.message})`);
      const now = r.value.policies.find((p) => p.pattern === a.pattern);
      if (now?.maxBytes != null) args.maxBytes = now.maxBytes;
      if (now?.maxAgeDays != null && args.maxAgeDays === undefined) args.maxAgeDays = now.maxAgeDays;
      if (now) why = `its ${retainDays !== undefined ? "size rule" : "size and age rules"} as ${retainDays !== undefined ? "it is" : "they are"}; ${why}`;
    }
    if (retainDays !== undefined) why = `${retainDays} days: rotated every ${args.maxAgeDays === 1 ? "day" : `${args.maxAgeDays} days`}, ${args.keep} rotated ${args.keep === 1 ? "copy" : "copies"} kept, so nothing older than about ${retainDays} days stays; ${why}`;
    return [task("log-policy", retainDays !== undefined ? `Keep ${a.pattern} for ${retainDays} days` : `Rotate ${a.pattern}, keeping ${a.keep}`, "system", [call("log.set_policy", { ...args }, why)])];
  },
});

/**
 * The logs a policy is for: aiOS's log, a glob or path under /var/log, a
 * daemon's own log directory ("nginx logs": /var/log/nginx/*.log), or every
 * .log under /var/log. A service whose log files aiOS does not know is
 * refused, naming it: its output is in aiOS's own log, not a file to rotate.
 */
function patternOf(c: Captured): string | { refuse: string } {
  const svc = c.get<string>("svclog");
  if (svc !== undefined) {
    const dir = daemonFor(svc)?.logDir;
    return dir ? `${dir}/*.log` : refuse(`aiOS knows no log files of ${svc} under /var/log (a supervised service's output goes to aiOS's log); say the logs' path, e.g. /var/log/${svc}/*.log`);
  }
  const pattern = c.has("aios") ? AIOS_LOG : (c.get<string>("glob") ?? c.get<string>("path") ?? DEFAULT_PATTERN);
  if (!pattern.startsWith("/var/log/")) return refuse(`${pattern} is not under /var/log; rotation policies are for logs there`);
  return pattern;
}

/**
 * "Keep logs for 14 days": the policy model keeps generations, rotated by
 * age or size, so a time is that many daily rotations (logrotate's "daily,
 * rotate 14"), or of the rotation said ("rotate weekly and keep them for 4
 * weeks": 4 weekly copies) when it divides it. Said together with how many
 * copies, or past what 100 copies hold, it is refused.
 */
function retention(c: Captured): PolicyArgs | { refuse: string } {
  if (c.has("keep")) return refuse("it says both how many copies to keep and for how long; say one");
  if (c.conflicting("age") || c.conflicting("size") || c.conflicting("retain")) return refuse("it gives two different rotation rules");
  const days = c.get<number>("retain")!;
  if (days < 1) return refuse("logs are kept at least a day");
  const age = c.get<number>("age") ?? 1;
  if (days % age !== 0) return refuse(`${days} days is not a whole number of rotations every ${age} days`);
  const keep = days / age;
  if (keep > 100) return refuse(`at most 100 rotated copies are kept: ${100 * age} days when rotating every ${age === 1 ? "day" : `${age} days`} (say e.g. "rotate logs weekly keeping ${Math.min(100, Math.ceil(days / 7))}")`);
  const pattern = patternOf(c);
  if (typeof pattern !== "string") return pattern;
  const out: PolicyArgs = { pattern, keep, maxAgeDays: age, retainDays: days };
  if (c.has("size")) out.maxBytes = c.get<number>("size")!;
  return out;
}

/** The policies said as a thing: "the log rotation policies", "the log policies", "the retention settings", "logrotate config". */
const POLICIES = "([log|logs] (rotation|retention|logrotate) (policies|policy|settings|rules|config|configuration|schedule|setup)|(log|logs) (policies|policy|retention|rotation|rotation setup)|logrotate (config|configuration|settings|rules)|(rotation|retention) (policies|policy|settings|rules))";

export const logPolicies = defineIntent<Record<string, never>>({
  name: "log-policies",
  summary: "show the log rotation policies",
  examples: ["show the log rotation policies", "how are logs rotated?"],
  forms: [
    `@show [the] ${POLICIES}`,
    `@what [are|is] [the] ${POLICIES} [(are there|exist|do we have|do i have|are in place|are set|are configured|is set|is configured|are defined|apply)]`,
    `@what ${POLICIES} (are there|exist|do we have|do i have|are in place|are set|are configured|is set|is configured|are defined|apply)`,
    "how (are|is) [the] (log|logs|log files) (rotated|kept|retained|cleaned up|pruned|managed)",
    "how (long|many days) (are|is) [the] (log|logs|log files|rotated logs|old logs) (kept|retained|stored|held|saved)",
    "how many (rotated|old|archived) (logs|copies|log files|generations) (are|is) (kept|retained|stored)",
    `${POLICIES}`,
  ],
  build: () => ({}),
  describe: () => "log rotation",
  async plan() {
    return [task("log-policies", "Show the log rotation policies", "system", [call("log.policies", {})])];
  },
});
