/**
 * The autonomy loop's watchlist: monitor.watch adds (or changes) an entry,
 * monitor.unwatch takes one away, monitor.watchlist shows them with what the
 * last check saw. Entries live in the working database (ToolHost.watches);
 * the loop reads them each tick. Both changes are undone exactly: the entry
 * as it was before the call comes back, check history included.
 */
import * as v from "valibot";
import type { Watch, WatchStore } from "./store";
import { formatClock, formatMs } from "../units";
import { defineTool, type ToolContext } from "../define";
import { intArg } from "../args";
import { hostArg } from "../net/common";
import { MonitorError } from "./common";

declare module "../define" {
  interface ToolHost {
    /** The watchlist (src/memory/watches.ts), in the working database. */
    watches: WatchStore;
  }
}

function store(ctx: ToolContext, tool: string): WatchStore {
  const s = ctx.host.watches;
  if (!s) throw new MonitorError("unavailable", tool, "watchlist", "no watchlist on this host");
  return s;
}

const watchName = v.pipe(v.string("must be a string"), v.regex(/^[a-z0-9][a-z0-9_.@-]{0,63}$/, "must be 1-64 of a-z 0-9 _ . @ - starting with a letter or digit"));

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

const watchOutput = v.object({
  name: v.string(),
  service: v.nullable(v.string()),
  url: v.nullable(v.string()),
  port: v.nullable(v.object({ host: v.string(), port: v.number() })),
  everyS: v.number(),
  createdAt: v.number(),
  updatedAt: v.number(),
  lastCheckAt: v.nullable(v.number()),
  lastOk: v.nullable(v.boolean()),
  lastDetail: v.nullable(v.string()),
});

/** "nginx (service nginx running, every 60 s; last check ok at ...)". */
function describeWatch(w: v.InferOutput<typeof watchOutput>): string {
  const what = [w.service && `service ${w.service} running`, w.url && `${w.url} answering`, w.port && `port ${w.port.port} on ${w.port.host} open`].filter(Boolean).join(", ");
  const last = w.lastCheckAt === null ? "not checked yet" : `last check ${w.lastOk ? "ok" : `failed${w.lastDetail ? `: ${w.lastDetail}` : ""}`} at ${formatClock(w.lastCheckAt)}`;
  return `${w.name} (${what}, every ${formatMs(w.everyS * 1000)}; ${last})`;
}

/** What undo puts back: the entry before the call, or nothing (the call added it). */
interface WatchUndo {
  name: string;
  before: Watch | null;
}

function putBack(s: WatchStore, rec: WatchUndo): void {
  if (rec.before) s.restore(rec.before);
  else s.remove(rec.name);
}

export const monitorWatch = defineTool({
  name: "monitor.watch",
  description:
    "Adds an entry to the autonomy loop's watchlist, or changes the one of that name: a service that must be running, a URL that must answer (GET, 200-399), a TCP port that must accept, any of them, checked every everyS seconds (default 60). Undo puts back the entry as it was.",
  input: v.pipe(
    v.strictObject({
      name: watchName,
      service: v.optional(v.pipe(v.string("must be a string"), v.regex(/^[a-z0-9][a-z0-9_.@-]{0,63}$/, "must be a service name"))),
      url: v.optional(v.pipe(v.string("must be a string"), v.maxLength(2048, "must be at most 2048 characters"), v.url("must be an absolute URL"), v.check(isHttpUrl, "must use http or https"))),
      port: v.optional(v.strictObject({ host: hostArg, port: intArg(1, 65_535) }, "must be {host, port}")),
      everyS: v.optional(intArg(5, 86_400, "seconds"), 60),
    }),
    v.check((a) => a.service !== undefined || a.url !== undefined || a.port !== undefined, "give at least one of service, url and port"),
  ),
  output: v.object({ watch: watchOutput, replaced: v.boolean() }),
  risk: "low",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const s = store(ctx, "monitor.watch");
    const before = s.get(args.name);
    ctx.saveUndo({ name: args.name, before } satisfies WatchUndo);
    const watch = s.set({ name: args.name, service: args.service ?? null, url: args.url ?? null, port: args.port ?? null, everyS: args.everyS });
    return { watch, replaced: before !== null };
  },
  undo(rec: WatchUndo, ctx) {
    putBack(store(ctx, "monitor.watch"), rec);
  },
  // Said every time: a person asking to be alerted learns where the alert goes (and that nothing leaves the machine).
  summarize: (o) => `${o.replaced ? "Changed" : "Added"} watch ${describeWatch(o.watch)}. The autonomy loop checks it; a failure is reported as a "problem" event in aiOS's event stream (a watched service is restarted within its restart policy); no message is sent outside aiOS`,
});

export const monitorUnwatch = defineTool({
  name: "monitor.unwatch",
  description: "Takes an entry off the autonomy loop's watchlist (removed is false when there was none). Undo puts it back as it was.",
  input: v.strictObject({ name: watchName }),
  output: v.object({ removed: v.boolean(), watch: v.nullable(watchOutput) }),
  risk: "low",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const s = store(ctx, "monitor.unwatch");
    const before = s.get(args.name);
    // Nothing to take away: undo must not remove an entry someone adds later.
    if (before) ctx.saveUndo({ name: args.name, before } satisfies WatchUndo);
    return { removed: before !== null && s.remove(args.name), watch: before };
  },
  undo(rec: WatchUndo, ctx) {
    putBack(store(ctx, "monitor.unwatch"), rec);
  },
  summarize: (o, args) => (o.removed && o.watch ? `Stopped watching ${describeWatch(o.watch)}` : `Nothing was watched as ${args.name}`),
});

export const monitorWatchlist = defineTool({
  name: "monitor.watchlist",
  description: "The autonomy loop's watchlist: each entry's service, URL and port, how often it is checked, and what the last check saw.",
  input: v.strictObject({}),
  output: v.object({ watches: v.array(watchOutput) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(_args, ctx) {
    return { watches: store(ctx, "monitor.watchlist").list() };
  },
  summarize: (o) => (o.watches.length ? [`${o.watches.length} on the watchlist:`, ...o.watches.map((w) => `  ${describeWatch(w)}`)].join("\n") : "The watchlist is empty"),
});
