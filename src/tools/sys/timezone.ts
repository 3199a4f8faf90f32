/**
 * sys.timezone: the machine's time zone now and at every boot. /etc/localtime
 * becomes a link to the zone's file (what BusyBox `date` and every libc
 * program read), aios-init's own TZ follows (Bun reads TZ at run time), and
 * the name is kept on the data disk for boot to apply again.
 */
import { join } from "node:path";
import * as v from "valibot";
import { TIME_ZONE } from "../../config";
import { defineTool, type ToolContext } from "../define";
import { ToolInputError } from "../errors";
import { clockIn, LOCALTIME, type LocaltimeState, readLocaltime, readSetting, writeLocaltime, writeSetting, ZONEINFO, zoneinfoDir, zoneOfLocaltime, zoneProblem } from "./settings";

interface TimezoneUndo {
  stored: string | null;
  localtime: LocaltimeState;
  /** aios-init's TZ before (null: unset); only PID 1's is changed. */
  tz: string | null;
}

/** Makes `zone` the time zone of this process (PID 1 only: a dev-mode aios-init shares the host's clock settings). */
export function setProcessZone(mode: "pid1" | "dev", zone: string | null): void {
  if (mode !== "pid1") return;
  if (zone === null) delete process.env.TZ;
  else process.env.TZ = zone;
}

function put(ctx: ToolContext, rec: TimezoneUndo): void {
  writeLocaltime(join(ctx.env.root, LOCALTIME), rec.localtime);
  setProcessZone(ctx.env.mode, rec.tz);
  writeSetting(ctx.env.paths.data, "timezone", rec.stored);
}

export const sysTimezone = defineTool({
  name: "sys.timezone",
  description:
    'Sets the time zone now and for every boot: an IANA name such as "Europe/Berlin", "America/New_York" or "UTC", checked against the zone files in the image (/usr/share/zoneinfo). ' +
    "Links /etc/localtime to it (the shell's date and every program follow), sets aios-init's own TZ, and keeps it on the data disk. Undo puts the previous zone back.",
  input: v.strictObject({
    zone: v.pipe(v.string("must be a string"), v.maxLength(64, "must be at most 64 characters"), v.regex(TIME_ZONE, 'must be a time zone name such as "UTC" or "Europe/Berlin"')),
  }),
  output: v.object({
    zone: v.string(),
    /** The zone before the call (from the data disk, else /etc/localtime), null when none was set (UTC). */
    previous: v.nullable(v.string()),
    /** What /etc/localtime points at now. */
    localtime: v.string(),
    /** Local time in the zone when the call ran, "2025-01-31 13:00:00", and its UTC offset, "+01:00". */
    localTime: v.string(),
    utcOffset: v.string(),
    /** Whether aios-init's own clock follows now (false in dev mode). */
    live: v.boolean(),
    persisted: v.boolean(),
  }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const problem = zoneProblem(zoneinfoDir(ctx.env), args.zone);
    if (problem) throw new ToolInputError("sys.timezone", "args.zone", problem);
    const localtimePath = join(ctx.env.root, LOCALTIME);
    const before: TimezoneUndo = {
      stored: readSetting(ctx.env.paths.data, "timezone"),
      localtime: readLocaltime(localtimePath),
      tz: process.env.TZ ?? null,
    };
    ctx.saveUndo(before);
    const target = `${ZONEINFO}/${args.zone}`;
    put(ctx, { stored: args.zone, localtime: { kind: "link", target }, tz: args.zone });
    const clock = clockIn(args.zone)!; // zoneProblem checked that ICU knows it
    return {
      zone: args.zone,
      previous: before.stored ?? zoneOfLocaltime(before.localtime),
      localtime: `${LOCALTIME} -> ${target}`,
      localTime: clock.localTime,
      utcOffset: clock.utcOffset,
      live: ctx.env.mode === "pid1",
      persisted: true,
    };
  },
  undo(rec: TimezoneUndo, ctx) {
    put(ctx, rec);
  },
  summarize: (o) =>
    `Time zone is now ${o.zone} (UTC${o.utcOffset}; local time ${o.localTime})${o.previous && o.previous !== o.zone ? `, was ${o.previous}` : ""}; kept for every boot.` +
    (o.live ? "" : " Dev mode: aios-init's own clock is unchanged."),
});
