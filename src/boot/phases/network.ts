/**
 * Network: loopback, then the configured interface by DHCP (BusyBox udhcpc),
 * falling back to a static address that suits QEMU's user network. Links come
 * up by ioctl (libc.linkUp), so udhcpc is the only process on the usual path.
 */
import { existsSync, writeFileSync } from "node:fs";
import { AiosError, libc, run } from "../../sys";
import type { BootContext } from "../context";
import { definePhase, defineStep } from "../step";

const UDHCPC_SCRIPT = "/usr/share/udhcpc/default.script";

async function sh(argv: string[]): Promise<void> {
  const r = await run(argv);
  if (r.exitCode !== 0) throw new AiosError("ENET", `${argv.join(" ")}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
}

function hasInterface(ctx: BootContext): boolean {
  return existsSync(`/sys/class/net/${ctx.config.network.interface}`);
}

export const network = definePhase({
  name: "network",
  required: false,
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
        return n.dhcp ? `${up}; udhcpc -i ${n.interface} -n -q -t 3 -T 1 -s ${UDHCPC_SCRIPT} || { ${fallback}; }` : `${up}; ${fallback}`;
      },
      run: async (ctx) => {
        const n = ctx.config.network;
        if (!hasInterface(ctx)) return { skip: `no interface ${n.interface}` };
        libc.linkUp(n.interface);
        if (n.dhcp) {
          const r = await run(["/bin/udhcpc", "-i", n.interface, "-n", "-q", "-t", "3", "-T", "1", "-s", UDHCPC_SCRIPT]);
          if (r.exitCode === 0) return `${n.interface}: dhcp`;
        }
        await sh(["/bin/ip", "addr", "add", n.static_address, "dev", n.interface]);
        await sh(["/bin/ip", "route", "add", "default", "via", n.gateway]);
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
