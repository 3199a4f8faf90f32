/**
 * net.ping: ICMP echo through the system's `ping` (BusyBox in the image,
 * iputils on most hosts), because raw ICMP sockets need privileges Bun does
 * not expose. Without a ping binary the tool fails and says so; it never
 * pretends with a TCP probe.
 */
import * as v from "valibot";
import { spawn } from "../../sys";
import { plural } from "../summary";
import { formatPercent } from "../units";
import { defineTool } from "../define";
import { checkAborted, hostArg, intArg, NetError } from "./common";

export interface PingSummary {
  transmitted: number;
  received: number;
  lossPercent: number;
  rttMs: { min: number; avg: number; max: number } | null;
}

/**
 * The statistics at the end of ping's output, in the BusyBox and iputils forms:
 *   3 packets transmitted, 3 packets received, 0% packet loss          (BusyBox)
 *   round-trip min/avg/max = 0.069/0.448/0.827 ms
 *   3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 2003ms   (iputils)
 *   rtt min/avg/max/mdev = 0.030/0.040/0.052/0.009 ms
 * Null when there is no summary (ping failed before sending).
 */
export function parsePingSummary(text: string): PingSummary | null {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, .*?)?, ([\d.]+)% packet loss/.exec(text);
  if (!counts) return null;
  const rtt = /(?:round-trip|rtt) min\/avg\/max(?:\/[a-z]+)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(text);
  return {
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    lossPercent: Number(counts[3]),
    rttMs: rtt ? { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) } : null,
  };
}

/** The address ping resolved the host to: `PING example.com (93.184.216.34): 56 data bytes`. */
export function parsePingAddress(text: string): string | null {
  return /^PING \S+ \(([^)]+)\)/m.exec(text)?.[1] ?? null;
}

/** Where ping is looked for besides $PATH: PID 1 may start with no PATH at all. */
const SYSTEM_BIN = ["/bin", "/usr/bin", "/sbin", "/usr/sbin"];

export function findPing(path = process.env.PATH ?? ""): string | null {
  return Bun.which("ping", { PATH: [...path.split(":").filter(Boolean), ...SYSTEM_BIN].join(":") });
}

export const netPing = defineTool({
  name: "net.ping",
  description:
    "ICMP echo to a host through the system ping: count requests (1-10) one second apart, waiting up to timeoutMs (rounded up to whole seconds) for the last reply. Returns packets transmitted and received, loss percent and min/avg/max round-trip time in ms (null when nothing came back).",
  input: v.strictObject({
    host: hostArg,
    count: v.optional(intArg(1, 10), 3),
    timeoutMs: v.optional(intArg(100, 10_000, "ms"), 2_000),
  }),
  output: v.object({
    host: v.string(),
    address: v.nullable(v.string()),
    transmitted: v.number(),
    received: v.number(),
    lossPercent: v.number(),
    rttMs: v.nullable(v.object({ min: v.number(), avg: v.number(), max: v.number() })),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  // 10 requests a second apart plus a 10 s wait for the last reply, with room to spare.
  timeoutMs: 30_000,
  async execute(args, ctx) {
    checkAborted(ctx.signal);
    const ping = findPing();
    if (!ping) throw new NetError("no_ping", "net.ping", args.host, `no ping binary on this system (looked in $PATH and ${SYSTEM_BIN.join(", ")})`);
    const wait = Math.ceil(args.timeoutMs / 1000);
    // -w bounds the whole run, so a host that never answers cannot keep ping alive.
    const argv = [ping, "-c", String(args.count), "-W", String(wait), "-w", String(args.count + wait), args.host];
    const child = spawn(argv, { stdout: "pipe", stderr: "pipe", stdin: "ignore", env: { PATH: "/bin:/usr/bin:/sbin:/usr/sbin", LC_ALL: "C" } });
    const kill = () => child.kill("SIGKILL");
    ctx.signal.addEventListener("abort", kill, { once: true });
    try {
      const [stdout, stderr, exitCode] = await Promise.all([
        new Response(child.stdout as ReadableStream).text(),
        new Response(child.stderr as ReadableStream).text(),
        child.exited,
      ]);
      checkAborted(ctx.signal);
      const summary = parsePingSummary(stdout);
      if (!summary) {
        const why = (stderr.trim() || stdout.trim()).split("\n").pop() || `ping exited with status ${exitCode}`;
        throw new NetError("ping_failed", "net.ping", args.host, why.replace(/^ping: /, ""));
      }
      return { host: args.host, address: parsePingAddress(stdout), ...summary };
    } finally {
      ctx.signal.removeEventListener("abort", kill);
    }
  },
  summarize: (o) =>
    `${o.host}${o.address && o.address !== o.host ? ` (${o.address})` : ""}: ${o.received} of ${plural(o.transmitted, "ping")} answered (${formatPercent(o.lossPercent)} loss)` +
    (o.rttMs ? `, round trip ${o.rttMs.min}/${o.rttMs.avg}/${o.rttMs.max} ms min/avg/max` : ""),
});
