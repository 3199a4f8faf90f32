/**
 * sys.time: the machine's clock as a person asks about it: the local time,
 * the time zone and its UTC offset, the time in UTC, and whether the zone is
 * one aiOS set (sys.timezone keeps it on the data disk; boot applies it) or
 * the default. Read-only.
 */
import { join } from "node:path";
import * as v from "valibot";
import { defineTool } from "../define";
import { clockIn, LOCALTIME, readLocaltime, readSetting, zoneOfLocaltime } from "./settings";

/** Where the zone was read: /etc/localtime's link, the data disk's setting, aios-init's TZ, or none (UTC). */
type ZoneSource = "localtime" | "data disk" | "TZ" | "default";

export const sysTime = defineTool({
  name: "sys.time",
  description:
    "The clock: local time and date, the time zone (what /etc/localtime links to, else the zone aiOS stored, else UTC) and its UTC offset, the time in UTC, and whether the zone was set by aiOS (sys.timezone, kept for every boot) or is the default.",
  input: v.strictObject({}),
  output: v.object({
    /** Local time in the zone, "2025-01-31 13:00:00". */
    localTime: v.string(),
    zone: v.string(),
    /** "+01:00". */
    utcOffset: v.string(),
    /** ISO time in UTC. */
    utc: v.string(),
    source: v.picklist(["localtime", "data disk", "TZ", "default"]),
    /** The zone is the one sys.timezone stored on the data disk. */
    setByAios: v.boolean(),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(_args, ctx) {
    const now = new Date();
    const stored = readSetting(ctx.env.paths.data, "timezone");
    const linked = zoneOfLocaltime(readLocaltime(join(ctx.env.root, LOCALTIME)));
    const tz = process.env.TZ?.replace(/^:/, "") || null;
    const [zone, source]: [string, ZoneSource] = linked ? [linked, "localtime"] : stored ? [stored, "data disk"] : tz ? [tz, "TZ"] : ["UTC", "default"];
    // A zone ICU does not know (a stale link) is reported with UTC's clock rather than a guess.
    const clock = clockIn(zone, now) ?? clockIn("UTC", now)!;
    return { localTime: clock.localTime, zone, utcOffset: clock.utcOffset, utc: now.toISOString(), source, setByAios: stored !== null && stored === zone };
  },
  summarize: (o) =>
    `It is ${o.localTime} in ${o.zone} (UTC${o.utcOffset}); ${o.utc.slice(0, 19).replace("T", " ")} UTC. ` +
    (o.setByAios ? "The time zone was set by aiOS and is kept for every boot." : o.source === "default" ? "No time zone is set: the clock is UTC." : `The time zone comes from ${o.source === "localtime" ? LOCALTIME : o.source}, not set by aiOS.`),
});
