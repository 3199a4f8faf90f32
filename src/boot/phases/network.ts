/**
 * Network: loopback, then the configured interface by DHCP (BusyBox udhcpc),
 * falling back to a static address that suits QEMU's user network. Links,
 * addresses and the default route are set by ioctl (src/sys/libc.ts), and
 * udhcpc's hook only writes the lease down (lease.script), so udhcpc and one
 * shell for its hook are the only processes on the usual path: each `ip` the
 * hook used to run cost tens of ms under TCG.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errorCode, libc, run } from "../../sys";
import type { BootContext } from "../context";
import { definePhase, defineStep } from "../step";

const UDHCPC_SCRIPT = "/usr/share/udhcpc/lease.script";
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export interface Lease {
  ip: string;
  prefix: number;
  router?: string;
  dns: string[];
  domain?: string;
}

const isIpv4 = (s: string | undefined): s is string => !!s && IPV4.test(s) && s.split(".").every((p) => Number(p) <= 255);

/** The lease lease.script wrote (key=value lines); null when it holds no usable address. */
export function parseLease(text: string): Lease | null {
  const f = Object.fromEntries(text.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()]));
  if (!isIpv4(f.ip)) return null;
  const prefix = /^\d+$/.test(f.mask ?? "") ? Number(f.mask) : isIpv4(f.mask) ? maskPrefix(f.mask) : 24;
  if (!(prefix >= 0 && prefix <= 32)) return null;
  const router = (f.router ?? "").split(/\s+/).find(isIpv4);
  const dns = (f.dns ?? "").split(/\s+/).filter(isIpv4);
  return { ip: f.ip, prefix, router, dns, domain: /^[A-Za-z0-9.-]+$/.test(f.domain ?? "") ? f.domain : undefined };
}

function maskPrefix(mask: string): number {
  const bits = mask.split(".").reduce((n, p) => n * 256 + Number(p), 0);
  const ones = bits.toString(2).replace(/0+$/, "");
  return ones.includes("0") ? Number.NaN : ones.length;
}

/** An address or route that is there already (a second boot step run, a renewed lease) is no error. */
function already(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (errorCode(err) !== "EEXIST") throw err;
  }
}

function hasInterface(ctx: BootContext): boolean {
  return existsSync(`/sys/class/net/${ctx.config.network.interface}`);
}

export const network = definePhase({
  name: "network",
  required: false,
  // DHCP is mostly waiting (udhcpc, its hook, the server): the services start meanwhile; ready waits for the address.
  concurrent: true,
  steps: [
    defineStep({
      name: "loopback",
      pid1Only: true,
      describe: () => "ip link set lo up",
      run: () => libc.linkUp("lo"),
    }),
    defineStep({
      name: "address",
      pid1Only: true,
      required: false,
      describe: (ctx) => {
        const n = ctx.config.network;
        const fallback = `ip addr add ${n.static_address} dev ${n.interface}; ip route add default via ${n.gateway}`;
        const up = `ip link set ${n.interface} up`;
        const dhcp = `udhcpc -i ${n.interface} -n -q -t 3 -T 1 -s ${UDHCPC_SCRIPT} && ip addr add $ip/$mask dev ${n.interface} && ip route add default via $router`;
        return n.dhcp ? `${up}; ${dhcp} || { ${fallback}; }` : `${up}; ${fallback}`;
      },
      run: async (ctx) => {
        const n = ctx.config.network;
        if (!hasInterface(ctx)) return { skip: `no interface ${n.interface}` };
        libc.linkUp(n.interface);
        if (n.dhcp) {
          const file = join(ctx.paths.run, "dhcp.lease");
          rmSync(file, { force: true });
          const r = await run(["/bin/udhcpc", "-i", n.interface, "-n", "-q", "-t", "3", "-T", "1", "-s", UDHCPC_SCRIPT], { env: { AIOS_LEASE: file, PATH: "/usr/sbin:/usr/bin" } });
          const lease = r.exitCode === 0 && existsSync(file) ? parseLease(readFileSync(file, "utf8")) : null;
          if (lease) {
            already(() => libc.addIpv4Address(n.interface, lease.ip, lease.prefix));
            if (lease.router) already(() => libc.addDefaultRoute(lease.router!));
            if (lease.dns.length) writeFileSync("/etc/resolv.conf", `${lease.domain ? `search ${lease.domain}\n` : ""}${lease.dns.map((d) => `nameserver ${d}\n`).join("")}`);
            return `${n.interface}: dhcp ${lease.ip}/${lease.prefix}${lease.router ? ` via ${lease.router}` : ""}`;
          }
        }
        const [address, prefix] = n.static_address.split("/");
        already(() => libc.addIpv4Address(n.interface, address!, Number(prefix)));
        already(() => libc.addDefaultRoute(n.gateway));
        return `${n.interface}: static ${n.static_address} via ${n.gateway}${n.dhcp ? " (dhcp failed)" : ""}`;
      },
    }),
    defineStep({
      name: "resolv.conf",
      pid1Only: true,
      required: false,
      describe: (ctx) => `printf 'nameserver %s\\n' ${ctx.config.network.dns_servers.join(" ")} > /etc/resolv.conf`,
      run: (ctx) => {
        // A DHCP lease may already have written it; the lease knows better than the defaults.
        if (existsSync("/etc/resolv.conf")) return "from dhcp";
        writeFileSync("/etc/resolv.conf", ctx.config.network.dns_servers.map((s) => `nameserver ${s}\n`).join(""));
      },
    }),
  ],
});
