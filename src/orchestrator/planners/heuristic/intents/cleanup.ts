/**
 * free disk space: "free disk space", "clean up old files older than 3 days",
 * "how much space could I free?" (a dry run). Shows the disk first, then runs
 * sys.cleanup, which only touches known-safe places and is not reversible.
 */
import { olderThanDays } from "../extract";
import { defineIntent } from "../intent";
import { call, task } from "./common";

export interface CleanupArgs {
  olderThanDays: number;
  dryRun: boolean;
  /** The scopes the sentence names ("old logs": logs only), else all three. */
  scopes: Array<"logs" | "package-cache" | "tmp">;
}

const SCOPES = [["logs", /\blogs?\b/], ["tmp", /\b(?:tmp|temp(?:orary)?\s+files)\b/], ["package-cache", /\b(?:caches?|packages?|debs?)\b/]] as const;

const DEFAULT_DAYS = 7;
const FREE = /^(?:free|clean|cleanup|clear|reclaim|recover|make)\b/;
const WHAT = /\b(?:disk|space|storage|room|tmp|temp(?:orary)?\s+files|old\s+files|old\s+logs|rotated\s+logs|caches?|junk)\b/;
const DRY = /\b(?:dry[\s-]?run|could|would|can\s+i|can\s+we|how\s+much\s+(?:space\s+)?(?:could|can|would))\b/;

export const freeDiskSpace = defineIntent<CleanupArgs>({
  name: "free-disk-space",
  summary: "free disk space",
  examples: ["free disk space", "free up some disk space", "clean up files older than 3 days", "clean up the disk (dry run)", "how much space could I free?"],
  match(clause) {
    const t = clause.lower;
    const asks = /^how\s+much\s+(?:disk\s+)?space\s+(?:could|can|would)\s+(?:i|we|you)\s+(?:free|reclaim)/.test(t);
    if (!asks && !(FREE.test(t) && (WHAT.test(t) || olderThanDays(t) !== undefined))) return null;
    if (/^make\b/.test(t) && !/\b(?:room|space)\b/.test(t)) return null;
    if (/\/|https?:/.test(t)) return null; // a path: cleaning a particular directory is not this intent
    const named = SCOPES.filter(([, re]) => re.test(t)).map(([kind]) => kind);
    return { olderThanDays: olderThanDays(t) ?? DEFAULT_DAYS, dryRun: asks || DRY.test(t), scopes: named.length ? named : ["logs", "package-cache", "tmp"] };
  },
  describe: (a) => `${a.scopes.join(", ")} older than ${a.olderThanDays} days${a.dryRun ? ", dry run" : ""}`,
  async plan(a) {
    return [
      task("disk-usage", "Show disk usage before cleaning", "storage", [call("monitor.disk", {})]),
      task("cleanup", a.dryRun ? "List what a cleanup would free" : "Free disk space in known-safe places", "storage", [
        call("sys.cleanup", { scopes: a.scopes.map((kind) => ({ kind, olderThanDays: a.olderThanDays })), dryRun: a.dryRun }, `only ${a.scopes.join(", ")} (rotated logs, never live ones; never an undo record); not reversible`),
      ], ["disk-usage"]),
    ];
  },
});
