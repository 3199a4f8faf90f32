/**
 * user.sessions: who is logged in, from utmp (/run/utmp), as who(1) reads
 * it. Only login programs write utmp (getty/login, sshd); aiOS's own serial
 * console and API are not logins and are not in it. Where no utmp file
 * exists the answer says that nothing records logins here, rather than
 * "nobody is logged in".
 */
import * as v from "valibot";
import { errorCode, readUtmp, UTMP_PATHS } from "../../sys";
import { defineTool } from "../define";
import { readStat } from "../process/procfs";
import { formatClock } from "../units";
import { hostPath, UserError } from "./common";

const session = v.object({
  user: v.string(),
  /** The terminal (`ttyS0`, `pts/0`). */
  line: v.string(),
  /** Where the login came from; null for a local one. */
  host: v.nullable(v.string()),
  /** ISO time of the login. */
  since: v.string(),
  pid: v.number(),
  /** False for a stale record whose login process is gone (a crash left it behind). */
  alive: v.boolean(),
});

export const userSessions = defineTool({
  name: "user.sessions",
  description:
    "Who is logged in, from the utmp login records (/run/utmp, as who shows): user, terminal, remote host, login time and the login process, with whether it is still running. recorded is false when this system keeps no login records at all (no utmp file), which is not the same as nobody being logged in.",
  input: v.strictObject({}),
  output: v.object({
    /** A utmp file exists and was read. */
    recorded: v.boolean(),
    /** The file read, or null. */
    source: v.nullable(v.string()),
    sessions: v.array(session),
    /** The last boot as utmp records it, ISO; null without a boot record. */
    bootTime: v.nullable(v.string()),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(_args, ctx) {
    // Under the tools' root like the account files: the machine's in the VM, the sandbox's in dev mode.
    const paths = UTMP_PATHS.map((p) => hostPath(ctx.env, p));
    let utmp: ReturnType<typeof readUtmp>;
    try {
      utmp = readUtmp(paths);
    } catch (err) {
      throw new UserError(errorCode(err) ?? "failed", "user.sessions", UTMP_PATHS[0], `cannot be read: ${errorCode(err) ?? String(err)}`, { cause: err });
    }
    if (!utmp) return { recorded: false, source: null, sessions: [], bootTime: null };
    const boot = utmp.records.filter((r) => r.type === "boot-time").at(-1);
    const sessions = utmp.records
      .filter((r) => r.type === "user-process" && r.user !== "")
      .map((r) => {
        const p = readStat(r.pid);
        return {
          user: r.user,
          line: r.line,
          host: r.host === "" ? null : r.host,
          since: new Date(r.time * 1000).toISOString(),
          pid: r.pid,
          alive: p !== null && p.state !== "Z",
        };
      });
    return { recorded: true, source: UTMP_PATHS[paths.indexOf(utmp.path)] ?? utmp.path, sessions, bootTime: boot ? new Date(boot.time * 1000).toISOString() : null };
  },
  summarize(out) {
    if (!out.recorded) return `No login records on this system (no ${UTMP_PATHS.join(" or ")}): nothing here writes utmp, so who is logged in cannot be told.`;
    const live = out.sessions.filter((s) => s.alive);
    const stale = out.sessions.length - live.length;
    const note = stale > 0 ? ` (${stale} stale record${stale === 1 ? "" : "s"} of ended logins)` : "";
    if (live.length === 0) return `No one is logged in${note}.`;
    const who = live.map((s) => `${s.user} on ${s.line}${s.host ? ` from ${s.host}` : ""} since ${formatClock(Date.parse(s.since))}`);
    return `${who.join(", ")}${note}`;
  },
});
