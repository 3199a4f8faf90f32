/**
 * net.listening: what accepts connections here, as `ss -ltunp` shows it:
 * TCP sockets in LISTEN and bound, unconnected UDP sockets, from
 * /proc/net/{tcp,tcp6,udp,udp6}, each with the processes holding it (found
 * through their /proc/<pid>/fd socket links) and the uid that opened it.
 */
import * as v from "valibot";
import { isListening, type SocketProtocol, socketOwners, sockets } from "../../sys";
import { intArg } from "../args";
import { defineTool } from "../define";
import { readStat } from "../process/procfs";
import { Tables } from "../user/tables";

const SUMMARY_ROWS = 10;

const socketRow = v.object({
  protocol: v.picklist(["tcp", "udp"]),
  family: v.picklist(["IPv4", "IPv6"]),
  /** `0.0.0.0` and `::` mean every address. */
  address: v.string(),
  port: v.number(),
  uid: v.number(),
  user: v.nullable(v.string()),
  inode: v.number(),
  /** Who holds it open; empty when no process we may look at does (another user's, without root). */
  processes: v.array(v.object({ pid: v.number(), comm: v.string() })),
});
type SocketRow = v.InferOutput<typeof socketRow>;

/** `tcp 0.0.0.0:9090`, `udp [::1]:53`. */
export function endpoint(s: Pick<SocketRow, "protocol" | "family" | "address" | "port">): string {
  return `${s.protocol} ${s.family === "IPv6" ? `[${s.address}]` : s.address}:${s.port}`;
}

function owners(s: SocketRow): string {
  if (s.processes.length === 0) return "owner not visible";
  const names = [...new Set(s.processes.map((p) => p.comm))].join("/");
  const pids = s.processes.map((p) => p.pid);
  return `${names}, ${pids.length === 1 ? "pid" : "pids"} ${pids.slice(0, 4).join(", ")}${pids.length > 4 ? ", …" : ""}`;
}

export const netListening = defineTool({
  name: "net.listening",
  description:
    "Listening sockets (like ss -ltunp): TCP sockets accepting connections and bound UDP sockets, IPv4 and IPv6, with the local address and port, the owning user and the processes holding them (pid and command name). protocol: tcp, udp or all (default); port: only the sockets on that local port (what holds port 8080).",
  input: v.strictObject({ protocol: v.optional(v.picklist(["tcp", "udp", "all"], "must be tcp, udp or all"), "all"), port: v.optional(intArg(1, 65535)) }),
  output: v.object({ protocol: v.picklist(["tcp", "udp", "all"]), sockets: v.array(socketRow) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 10_000,
  async execute(args, ctx) {
    const protocols: SocketProtocol[] = args.protocol === "all" ? ["tcp", "udp"] : [args.protocol];
    const listening = sockets(protocols).filter((s) => isListening(s) && (args.port === undefined || s.localPort === args.port));
    const held = await socketOwners(new Set(listening.map((s) => s.inode).filter((i) => i > 0)), { signal: ctx.signal });
    // The machine's passwd, not the sandbox's: /proc shows the machine's processes even in dev mode.
    const names = new Tables("/").namesByUid();
    const rows: SocketRow[] = listening.map((s) => ({
      protocol: s.protocol,
      family: s.family,
      address: s.localAddress,
      port: s.localPort,
      uid: s.uid,
      user: names.get(s.uid) ?? null,
      inode: s.inode,
      processes: (held.get(s.inode) ?? []).flatMap((pid) => {
        const p = readStat(pid);
        return p ? [{ pid, comm: p.comm }] : []; // exited since
      }),
    }));
    rows.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port || a.family.localeCompare(b.family) || a.address.localeCompare(b.address));
    return { protocol: args.protocol, sockets: rows };
  },
  summarize(out, args) {
    const what = out.protocol === "all" ? "" : ` ${out.protocol}`;
    if (args.port !== undefined) {
      if (out.sockets.length === 0) return `Nothing is listening on port ${args.port}${what ? ` (${out.protocol})` : ""}.`;
      return `Port ${args.port}: ${out.sockets.slice(0, SUMMARY_ROWS).map((s) => `${endpoint(s)} (${owners(s)})`).join(", ")}`;
    }
    if (out.sockets.length === 0) return `Nothing is listening${what ? ` on${what}` : ""}.`;
    const shown = out.sockets.slice(0, SUMMARY_ROWS).map((s) => `${endpoint(s)} (${owners(s)})`);
    const more = out.sockets.length - shown.length;
    return `Listening${what}: ${shown.join(", ")}${more > 0 ? `, and ${more} more` : ""}`;
  },
});
