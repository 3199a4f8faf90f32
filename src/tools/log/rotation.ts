/**
 * Log policies applied: which policy a log file falls under, when it is due
 * (its size reached maxBytes, or its live file is older than maxAgeDays),
 * and rotating a batch of files through sys/rotate.ts. The tools, the
 * autonomy loop (rotateDue, each tick) and aiOS's own log writer (past its
 * cap) all come through here.
 *
 * Policies are kept in the working database (LogPolicyStore). aiOS's own log
 * has a built-in policy that a stored one for the same pattern replaces, so
 * it can never grow without bound. When several patterns match a file, the
 * most specific one is in force: a literal path before any glob, then the
 * glob with the most literal characters, then the one set last.
 */
import type { Stats } from "node:fs";
import { capLogFile, errorMessage, log, logFile, type Rotation, rotateFile } from "../../sys";
import type { ToolEnv } from "../define";
import { filesInUse } from "../sys/cleanup";
import { hostOfLog, type LiveLog, liveLogs, OWN_LOG } from "./paths";
import type { LogPolicy, LogPolicyStore } from "./store";

const DAY_MS = 86_400_000;
/** Files rotated in one pass at most; the rest wait for the next one. */
export const MAX_PER_PASS = 100;
/** Generations kept for a file rotated on request that no policy covers. */
export const DEFAULT_KEEP = 5;

export interface PolicyInForce {
  pattern: string;
  maxBytes: number | null;
  maxAgeDays: number | null;
  keep: number;
  /** The built-in policy for aiOS's own log (no stored one replaces it). */
  builtin: boolean;
  createdAt: number | null;
  updatedAt: number | null;
}

/** aiOS's own log: rotated past 4 MiB, five generations (about 4 MiB plain and four gzipped). */
export const OWN_LOG_POLICY: PolicyInForce = { pattern: OWN_LOG, maxBytes: 4 * 1024 * 1024, maxAgeDays: null, keep: 5, builtin: true, createdAt: null, updatedAt: null };

export type RotateReason = "asked" | "size" | "age";

export interface Rotated {
  path: string;
  reason: RotateReason;
  /** The policy it followed; null when none covers the file (rotated on request with DEFAULT_KEEP). */
  pattern: string | null;
  keep: number;
  bytes: number;
  generations: Array<{ name: string; bytes: number }>;
  removed: string[];
  compressed: string | null;
}

export interface RotationReport {
  rotated: Rotated[];
  skipped: Array<{ path: string; reason: string }>;
  notes: string[];
}

export interface Target {
  guest: string;
  host: string;
  policy: PolicyInForce | null;
  reason: RotateReason;
}

const stored = (p: LogPolicy): PolicyInForce => ({ ...p, builtin: false });
const literal = (pattern: string) => !/[*?[\]{}]/.test(pattern);
const literalChars = (pattern: string) => pattern.replace(/[*?[\]{}!\\]/g, "").length;

export class LogRotation {
  private readonly globs = new Map<string, Bun.Glob>();

  constructor(
    readonly env: ToolEnv,
    readonly store: LogPolicyStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The policies in force, most specific first (the order a file is matched in). */
  policies(): PolicyInForce[] {
    const list = this.store.list().map(stored);
    if (!list.some((p) => p.pattern === OWN_LOG_POLICY.pattern)) list.push(OWN_LOG_POLICY);
    return list.sort(
      (a, b) => Number(literal(b.pattern)) - Number(literal(a.pattern)) || literalChars(b.pattern) - literalChars(a.pattern) || (b.updatedAt ?? 0) - (a.updatedAt ?? 0) || a.pattern.localeCompare(b.pattern),
    );
  }

  /** The policy a guest path falls under, if any. */
  policyFor(guest: string, policies = this.policies()): PolicyInForce | null {
    return policies.find((p) => this.glob(p.pattern).match(guest)) ?? null;
  }

  private glob(pattern: string): Bun.Glob {
    let g = this.globs.get(pattern);
    if (!g) this.globs.set(pattern, (g = new Bun.Glob(pattern)));
    return g;
  }

  /** Every live log a policy covers, with the policy. */
  covered(signal?: AbortSignal): { logs: Array<LiveLog & { policy: PolicyInForce }>; truncated: boolean } {
    const policies = this.policies();
    const found = liveLogs(this.env, signal);
    const logs: Array<LiveLog & { policy: PolicyInForce }> = [];
    for (const l of found.logs) {
      const policy = this.policyFor(l.guest, policies);
      if (policy) logs.push({ ...l, policy });
    }
    return { logs, truncated: found.truncated };
  }

  /** Why a file is due under its policy now, or null. */
  due(guest: string, st: Stats, p: PolicyInForce): "size" | "age" | null {
    if (st.size === 0) return null;
    if (p.maxBytes !== null && st.size >= p.maxBytes) return "size";
    if (p.maxAgeDays === null) return null;
    const now = this.now();
    // A file seen for the first time counts from its birth where the filesystem keeps one.
    const born = Number.isFinite(st.birthtimeMs) && st.birthtimeMs > 0 && st.birthtimeMs <= now ? st.birthtimeMs : now;
    const since = (this.store.fileState(guest) ?? this.store.seen(guest, Math.floor(born))).since;
    return now - since >= p.maxAgeDays * DAY_MS ? "age" : null;
  }

  /** Rotates the files that are due (the autonomy loop's pass). */
  async rotateDue(signal?: AbortSignal): Promise<RotationReport> {
    const { logs, truncated } = this.covered(signal);
    const targets: Target[] = [];
    for (const l of logs) {
      const reason = this.due(l.guest, l.stat, l.policy);
      if (reason) targets.push({ guest: l.guest, host: l.host, policy: l.policy, reason });
    }
    const report = await this.rotate(targets, signal);
    if (truncated) report.notes.push("the log directories hold more entries than one pass looks at; some files were not considered");
    return report;
  }

  /** Rotates each target now (at most MAX_PER_PASS), one after the other. */
  async rotate(targets: readonly Target[], signal?: AbortSignal): Promise<RotationReport> {
    const report: RotationReport = { rotated: [], skipped: [], notes: [] };
    if (targets.length > MAX_PER_PASS) report.notes.push(`${targets.length - MAX_PER_PASS} more files are left for the next pass`);
    let inUse: Set<string> | undefined;
    for (const t of targets.slice(0, MAX_PER_PASS)) {
      if (signal?.aborted) throw signal.reason;
      const keep = t.policy?.keep ?? DEFAULT_KEEP;
      let r: Rotation | null;
      try {
        inUse ??= filesInUse();
        r = await rotateFile(t.host, { keep, inUse, signal });
      } catch (err) {
        if (signal?.aborted) throw err;
        report.skipped.push({ path: t.guest, reason: errorMessage(err) });
        continue;
      }
      if (!r) {
        report.skipped.push({ path: t.guest, reason: "empty or gone: nothing to rotate" });
        continue;
      }
      this.store.rotated(t.guest, this.now());
      report.notes.push(...r.notes.map((n) => `${t.guest}: ${n}`));
      report.rotated.push({
        path: t.guest,
        reason: t.reason,
        pattern: t.policy?.pattern ?? null,
        keep,
        bytes: r.bytes,
        generations: r.generations.map((g) => ({ name: g.name, bytes: g.bytes })),
        removed: r.removed,
        compressed: r.compressed,
      });
    }
    return report;
  }

  /**
   * Points the console log's size cap at the policy for aiOS's own log (when
   * the writer writes the file this environment calls /var/log/aios/aios.log).
   * Called at start and whenever policies change.
   */
  applyOwnCap(): void {
    const host = hostOfLog(this.env, OWN_LOG);
    if (logFile() !== host) return;
    const policy = this.policyFor(OWN_LOG);
    if (!policy?.maxBytes) {
      capLogFile(undefined);
      return;
    }
    capLogFile({
      maxBytes: policy.maxBytes,
      full: () =>
        void this.rotate([{ guest: OWN_LOG, host, policy, reason: "size" }]).then(
          (r) => r.rotated.length && log.info(`logs: rotated ${OWN_LOG} at ${r.rotated[0]!.bytes} bytes (keep ${policy.keep})`),
          (err) => log.warn(`logs: rotating ${OWN_LOG}: ${errorMessage(err)}`),
        ),
    });
  }

  /** Removes the cap this rotation set (the tool system is closing). */
  close(): void {
    if (logFile() === hostOfLog(this.env, OWN_LOG)) capLogFile(undefined);
  }
}
