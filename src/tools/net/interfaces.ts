/** net.interfaces: every network interface with its addresses and counters, and the default routes. */
import * as v from "valibot";
import { defaultRoutes, interfaceDetails } from "../../sys";
import { formatBytes } from "../units";
import { defineTool } from "../define";
import { NetError } from "./common";

const route = v.nullable(v.object({ iface: v.string(), gateway: v.string(), metric: v.number() }));

export const netInterfaces = defineTool({
  name: "net.interfaces",
  description:
    "Network interfaces: name, operstate, MAC, MTU, driver, IPv4/IPv6 addresses with prefix length, rx/tx byte, packet, error and drop counters; plus the IPv4 and IPv6 default routes. name limits it to one interface.",
  input: v.strictObject({
    name: v.optional(v.pipe(v.string("must be a string"), v.regex(/^[A-Za-z0-9_.:@-]{1,15}$/, "must be an interface name (1-15 characters, no slashes or spaces)"))),
  }),
  output: v.object({
    interfaces: v.array(
      v.object({
        name: v.string(),
        state: v.string(),
        mac: v.string(),
        mtu: v.number(),
        driver: v.nullable(v.string()),
        virtual: v.boolean(),
        pci: v.nullable(v.string()),
        speedMbps: v.nullable(v.number()),
        addresses: v.array(v.object({ family: v.picklist(["IPv4", "IPv6"]), address: v.string(), prefix: v.number() })),
        counters: v.object({
          rxBytes: v.number(), txBytes: v.number(), rxPackets: v.number(), txPackets: v.number(),
          rxErrors: v.number(), txErrors: v.number(), rxDropped: v.number(), txDropped: v.number(),
        }),
      }),
    ),
    defaultRoute: v.object({ ipv4: route, ipv6: route }),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(args) {
    let interfaces = interfaceDetails().sort((a, b) => a.name.localeCompare(b.name));
    if (args.name !== undefined) {
      interfaces = interfaces.filter((i) => i.name === args.name);
      if (interfaces.length === 0) throw new NetError("ENODEV", "net.interfaces", args.name, "no such interface");
    }
    return { interfaces, defaultRoute: defaultRoutes() };
  },
  summarize: (o) => {
    const lines = o.interfaces.map((i) => {
      const addrs = i.addresses.map((a) => `${a.address}/${a.prefix}`);
      return `${i.name} (${i.state}${i.virtual ? ", virtual" : ""}): ${addrs.length ? addrs.join(", ") : "no address"}, MAC ${i.mac}, received ${formatBytes(i.counters.rxBytes)}, sent ${formatBytes(i.counters.txBytes)}`;
    });
    const routes = [o.defaultRoute.ipv4 && `IPv4 via ${o.defaultRoute.ipv4.gateway} on ${o.defaultRoute.ipv4.iface}`, o.defaultRoute.ipv6 && `IPv6 via ${o.defaultRoute.ipv6.gateway} on ${o.defaultRoute.ipv6.iface}`].filter(Boolean);
    lines.push(`Default route: ${routes.length ? routes.join("; ") : "none"}`);
    return lines.join("\n");
  },
});
