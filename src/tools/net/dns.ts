/**
 * net.dns: name lookups through the system resolver. A and AAAA go through
 * getaddrinfo, like every other program on the system (so /etc/hosts counts,
 * then the servers in /etc/resolv.conf); the other types ask those servers
 * directly, since getaddrinfo knows only addresses.
 */
import { promises as dns } from "node:dns";
import * as v from "valibot";
import { errorCode } from "../../sys";
import { listOf } from "../summary";
import { defineTool } from "../define";
import { checkAborted, hostArg, intArg, NetError, race } from "./common";

export const DNS_TYPES = ["A", "AAAA", "MX", "TXT", "CNAME", "NS"] as const;
export type DnsType = (typeof DNS_TYPES)[number];

/** Answers that mean "no such record", as opposed to "could not ask". */
const NO_ANSWER = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN", "EAI_NONAME", "EAI_NODATA"]);

async function query(name: string, type: DnsType, resolver: dns.Resolver): Promise<string[]> {
  switch (type) {
    case "A":
    case "AAAA": {
      const found = await dns.lookup(name, { family: type === "A" ? 4 : 6, all: true });
      return [...new Set(found.map((a) => a.address))];
    }
    case "MX":
      return (await resolver.resolveMx(name)).sort((a, b) => a.priority - b.priority).map((r) => `${r.priority} ${r.exchange}`);
    case "TXT":
      // A TXT record is a list of strings of at most 255 bytes; readers want them joined.
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
    case "CNAME":
      return resolver.resolveCname(name);
    case "NS":
      return resolver.resolveNs(name);
  }
}

export const netDns = defineTool({
  name: "net.dns",
  description:
    "Resolves a name with the system resolver (/etc/hosts, then the servers in /etc/resolv.conf). type A or AAAA gives addresses; MX gives \"priority host\"; TXT gives each record's text; CNAME and NS give names. A name without records gives found: false.",
  input: v.strictObject({
    name: hostArg,
    type: v.optional(v.picklist(DNS_TYPES, `must be one of ${DNS_TYPES.join(", ")}`), "A"),
    timeoutMs: v.optional(intArg(100, 30_000, "ms"), 5_000),
  }),
  output: v.object({ name: v.string(), type: v.picklist(DNS_TYPES), found: v.boolean(), records: v.array(v.string()) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 35_000,
  async execute(args, ctx) {
    checkAborted(ctx.signal);
    const resolver = new dns.Resolver({ timeout: args.timeoutMs, tries: 2 });
    const timeout = () => new NetError("timeout", "net.dns", `${args.name} ${args.type}`, `no answer within ${args.timeoutMs} ms`);
    try {
      const records = await race(query(args.name, args.type, resolver), ctx.signal, args.timeoutMs, timeout);
      return { name: args.name, type: args.type, found: records.length > 0, records };
    } catch (err) {
      const code = errorCode(err);
      if (code && NO_ANSWER.has(code)) return { name: args.name, type: args.type, found: false, records: [] };
      if (err instanceof NetError || err === ctx.signal.reason) throw err;
      throw new NetError(code ?? "failed", "net.dns", `${args.name} ${args.type}`, code ? `${code} (lookup failed)` : String(err), { cause: err });
    } finally {
      resolver.cancel(); // stops queries still in flight after a timeout or cancellation
    }
  },
  summarize: (o) => (o.found ? `${o.name} ${o.type}: ${listOf(o.records, 10)}` : `${o.name} has no ${o.type} record`),
});
