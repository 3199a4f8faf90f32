/**
 * net.check_port: does a TCP connect to host:port succeed? The answer tells
 * apart a port that refuses (closed: something answered with RST), one that
 * never answers (timeout: usually a firewall dropping packets) and a host
 * the network cannot reach. Nothing is sent once connected.
 */
import { connect } from "node:net";
import * as v from "valibot";
import { errorCode } from "../../sys";
import { formatMs } from "../units";
import { defineTool } from "../define";
import { checkAborted, elapsedMs, hostArg, intArg, NetError } from "./common";
import { checkEgress } from "./egress";

export const PORT_STATES = ["open", "closed", "timeout", "unreachable"] as const;
export type PortState = (typeof PORT_STATES)[number];

const CLOSED = new Set(["ECONNREFUSED"]);
const UNREACHABLE = new Set(["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL"]);

interface Probe { state: PortState; latencyMs: number | null; address: string | null }

function probe(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket = connect({ host, port });
    const done = (f: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      f();
    };
    const timer = setTimeout(() => done(() => resolve({ state: "timeout", latencyMs: null, address: null })), timeoutMs);
    const onAbort = () => done(() => reject(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      const latencyMs = elapsedMs(start);
      const address = socket.remoteAddress ?? null;
      done(() => resolve({ state: "open", latencyMs, address }));
    });
    socket.once("error", (err) => {
      const code = errorCode(err) ?? "";
      const latencyMs = elapsedMs(start);
      if (CLOSED.has(code)) return done(() => resolve({ state: "closed", latencyMs, address: null }));
      if (UNREACHABLE.has(code)) return done(() => resolve({ state: "unreachable", latencyMs, address: null }));
      if (code === "ETIMEDOUT") return done(() => resolve({ state: "timeout", latencyMs: null, address: null }));
      done(() => reject(new NetError(code || "failed", "net.check_port", `${host}:${port}`, code === "ENOTFOUND" ? "host name not found" : err.message, { cause: err })));
    });
  });
}

export const netCheckPort = defineTool({
  name: "net.check_port",
  description:
    "Tries a TCP connection to host:port and closes it at once. state is open (connected), closed (refused), timeout (no answer within timeoutMs, e.g. filtered) or unreachable (no route); latencyMs is the time to connect or be refused.",
  input: v.strictObject({
    host: hostArg,
    port: intArg(1, 65_535),
    timeoutMs: v.optional(intArg(1, 30_000, "ms"), 3_000),
  }),
  output: v.object({
    host: v.string(),
    port: v.number(),
    open: v.boolean(),
    state: v.picklist(PORT_STATES),
    latencyMs: v.nullable(v.number()),
    address: v.nullable(v.string()),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 35_000,
  async execute(args, ctx) {
    checkAborted(ctx.signal);
    const ip = await checkEgress(ctx.env, "net.check_port", args.host, args.port, true);
    const r = await probe(ip, args.port, args.timeoutMs, ctx.signal);
    return { host: args.host, port: args.port, open: r.state === "open", ...r };
  },
  summarize: (o) => {
    const state = { open: "open", closed: "closed (connection refused)", timeout: "not answering (timed out; a firewall may drop it)", unreachable: "unreachable (no route to the host)" }[o.state];
    return `Port ${o.port} on ${o.host} is ${state}${o.state === "open" && o.latencyMs !== null ? ` (connected in ${formatMs(o.latencyMs)})` : ""}`;
  },
});
