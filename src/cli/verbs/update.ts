/**
 * `update FILE`, `update status`, `update rollback` (issue 16): an image made
 * by `make update-image` streamed to `PUT /api/v1/system/update` (read from
 * disk as it is sent, never whole into memory), which writes it into the
 * inactive slot for a trial boot; the slots and their history; the next boot
 * back on the other slot. Refusals (unsigned, bad_signature, bad_checksum,
 * too_large, ...) come back with the system's code and reason, exit 1.
 */
import { stat } from "node:fs/promises";
import { table } from "../../sys/text";
import { CtlError, EXIT, usageError } from "../errors";
import { type Ctx, defineVerb, print } from "../verb";

interface Accepted {
  slot: string;
  version: string;
  commit: string | null;
  size: number;
  sha256: string;
  next: string;
}

interface HistoryEntry {
  at: string;
  event: string;
  slot: string | null;
  version?: string | null;
  running?: string;
  reason?: string;
  origin?: string;
}

interface UpdateStatus {
  slot: string | null;
  version: string;
  commit: string | null;
  trial: boolean;
  next: string | null;
  pending: { slot: string; version: string | null } | null;
  history: HistoryEntry[];
}

/** An upload is one long answer: the whole image crosses the wire before the system replies. */
const UPLOAD_MS = 15 * 60_000;

/** 404 from a system built without updates reads better than "not found". */
function noUpdates(err: unknown): never {
  if (err instanceof CtlError && err.exit === EXIT.notFound) {
    throw new CtlError("unavailable", `${err.message.split(":")[0]}: this aiOS has no system updates (an older build, or dev mode)`, EXIT.failed, { cause: err, body: err.body });
  }
  throw err;
}

export function formatUpdateStatus(s: UpdateStatus): string {
  const head = `running slot ${s.slot ?? "-"}: aiOS ${s.version}${s.commit ? ` (${s.commit})` : ""}${s.trial ? ", on trial (not yet marked good)" : ""}`;
  const next = s.pending ? `next boot: slot ${s.pending.slot} (${s.pending.version ?? "unknown version"}) on trial` : `next boot: slot ${s.next ?? "-"}`;
  if (!s.history.length) return `${head}\n${next}\nno updates yet`;
  const rows = [["WHEN", "EVENT", "SLOT", "VERSION", "WHY"]];
  for (const h of s.history) rows.push([h.at.replace(/\.\d+Z$/, "Z"), h.event, h.slot ?? "-", h.version ?? "-", [h.origin ? `by ${h.origin}` : "", h.reason ?? ""].filter(Boolean).join(": ") || "-"]);
  return `${head}\n${next}\n${table(rows)}`;
}

async function send(ctx: Ctx, file: string): Promise<number> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw usageError(`update: ${file}: no such file (make update-image VERSION=x builds out/update.img)`);
  if (!ctx.json) ctx.io.err(`sending ${file} (${(info.size / 1024 ** 2).toFixed(1)} MiB) to ${ctx.api().url} …`);
  const timeoutMs = ctx.flags.timeout === undefined ? UPLOAD_MS : undefined;
  const r = await ctx
    .api()
    .request<Accepted>("PUT", "/api/v1/system/update", Bun.file(file), { timeoutMs })
    .catch(noUpdates);
  print(ctx, r.body, (a) => `slot ${a.slot}: aiOS ${a.version}${a.commit ? ` (${a.commit})` : ""} written, ${a.size} bytes, sha256 ${a.sha256.slice(0, 16)}…, signature good\n${a.next}`);
  return EXIT.ok;
}

export const update = defineVerb({
  name: "update",
  args: "FILE|status|rollback",
  summary: "install an update image into the other slot for a trial boot; its status; roll back",
  complete: ["status", "rollback"],
  files: true,
  async run(ctx, args) {
    const [what, ...rest] = args;
    if (!what || rest.length) throw usageError("usage: aios-init ctl update FILE | update status | update rollback (a file named status: ./status)");
    if (what === "status") {
      print(ctx, await ctx.api().get<UpdateStatus>("/api/v1/system/update").catch(noUpdates), formatUpdateStatus);
      return EXIT.ok;
    }
    if (what === "rollback") {
      const r = await ctx.api().post<{ next: string; version: string | null; detail: string }>("/api/v1/system/rollback").catch(noUpdates);
      print(ctx, r, (x) => `next boot: slot ${x.next}${x.version ? ` (aiOS ${x.version})` : ""}: ${x.detail}`);
      return EXIT.ok;
    }
    return send(ctx, what);
  },
});
