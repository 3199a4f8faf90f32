/**
 * Network state from /proc/net and /sys/class/net: routes, per-interface MTU
 * and counters. Addresses come from getifaddrs (node:os), which is what the
 * kernel reports over netlink; /proc has no per-interface IPv4 list.
 */
import { readFileSync, realpathSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { netInterfaces, type NetInterface } from "./proc";

export interface Route4 {
  iface: string;
  destination: string;
  gateway: string;
  mask: string;
  prefix: number;
  flags: number;
  metric: number;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** /proc/net/route writes IPv4 addresses as host-order (little-endian on x86 and arm64) hex words. */
export function hexToIPv4(hex: string): string {
  const n = Number.parseInt(hex, 16) >>> 0;
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join(".");
}

function maskPrefix(hex: string): number {
  let n = Number.parseInt(hex, 16) >>> 0;
  let bits = 0;
  while (n) {
    bits += n & 1;
    n >>>= 1;
  }
  return bits;
}

export function parseRoutes(text: string): Route4[] {
  const out: Route4[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !/^[0-9A-Fa-f]{8}$/.test(f[1]!)) continue;
    out.push({
      iface: f[0]!,
      destination: hexToIPv4(f[1]!),
      gateway: hexToIPv4(f[2]!),
      mask: hexToIPv4(f[7]!),
      prefix: maskPrefix(f[7]!),
      flags: Number.parseInt(f[3]!, 16),
      metric: Number(f[6]) || 0,
    });
  }
  return out;
}

export interface DefaultRoute { iface: string; gateway: string; metric: number }

/** The usable default route with the lowest metric, if any. */
export function defaultRoute4(routes: readonly Route4[]): DefaultRoute | null {
  const candidates = routes
    .filter((r) => r.destination === "0.0.0.0" && r.prefix === 0 && (r.flags & RTF_UP) !== 0)
    .sort((a, b) => a.metric - b.metric);
  const r = candidates[0];
  if (!r) return null;
  return { iface: r.iface, gateway: r.flags & RTF_GATEWAY ? r.gateway : "0.0.0.0", metric: r.metric };
}

function hexToIPv6(hex: string): string {
  const groups = (hex.match(/.{4}/g) ?? []).map((g) => Number.parseInt(g, 16).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 asks.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLen).join(":")}`;
}

const RTF_REJECT = 0x200;

/**
 * The IPv6 default route from /proc/net/ipv6_route (`::/0` that is up and
 * not a reject route: the kernel keeps an unreachable `::/0` on lo).
 */
export function defaultRoute6(text: string): DefaultRoute | null {
  let best: DefaultRoute | null = null;
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, plen, , , nextHop, metricHex, , , flagsHex, iface] = f as [string, string, string, string, string, string, string, string, string, string];
    const flags = Number.parseInt(flagsHex, 16);
    if (!/^0+$/.test(dest) || plen !== "00" || !(flags & RTF_UP) || flags & RTF_REJECT) continue;
    const metric = Number.parseInt(metricHex, 16) >>> 0;
    if (!best || metric < best.metric) best = { iface, gateway: hexToIPv6(nextHop), metric };
  }
  return best;
}

function tryReadFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export function defaultRoutes(procNet = "/proc/net"): { ipv4: DefaultRoute | null; ipv6: DefaultRoute | null } {
  return { ipv4: defaultRoute4(parseRoutes(tryReadFile(`${procNet}/route`))), ipv6: defaultRoute6(tryReadFile(`${procNet}/ipv6_route`)) };
}

export interface InterfaceCounters {
  rxBytes: number; txBytes: number;
  rxPackets: number; txPackets: number;
  rxErrors: number; txErrors: number;
  rxDropped: number; txDropped: number;
}

export interface InterfaceAddress { family: "IPv4" | "IPv6"; address: string; prefix: number }

export interface InterfaceDetails extends NetInterface {
  mtu: number;
  /** No device behind it (lo, bridges, ifb, veth...): it lives under /sys/devices/virtual. */
  virtual: boolean;
  /** PCI address of the device behind it (`0000:00:03.0`), if it is a PCI device. */
  pci: string | null;
  /** Link speed in Mb/s when the driver reports one. */
  speedMbps: number | null;
  addresses: InterfaceAddress[];
  counters: InterfaceCounters;
}

/** The PCI function a sysfs device path runs through: the last `dddd:bb:dd.f` component. */
export function pciAddressFromPath(path: string): string | null {
  const all = path.match(/[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]/g);
  return all ? all[all.length - 1]! : null;
}

function num(path: string): number {
  const n = Number(tryReadFile(path).trim());
  return Number.isFinite(n) ? n : 0;
}

/** getifaddrs output (node:os) reduced to family, address and prefix length. */
export function addressesFrom(entries: readonly { family: string | number; address: string; cidr: string | null }[] | undefined): InterfaceAddress[] {
  return (entries ?? []).map((a) => ({
    family: a.family === "IPv6" || a.family === 6 ? ("IPv6" as const) : ("IPv4" as const),
    address: a.address,
    prefix: Number(a.cidr?.split("/")[1] ?? 0),
  }));
}

type IfAddrs = Record<string, readonly { family: string | number; address: string; cidr: string | null }[] | undefined>;

export function interfaceDetails(sysNet = "/sys/class/net", addrs: IfAddrs = networkInterfaces()): InterfaceDetails[] {
  return netInterfaces(sysNet).map((i) => {
    const dir = `${sysNet}/${i.name}`;
    let real = "";
    try {
      real = realpathSync(dir);
    } catch {
      // a fixture tree or an interface that just went away
    }
    const speed = Number(tryReadFile(`${dir}/speed`).trim());
    const s = (k: string) => num(`${dir}/statistics/${k}`);
    return {
      ...i,
      mtu: num(`${dir}/mtu`),
      virtual: real.includes("/devices/virtual/") || i.driver === null,
      pci: pciAddressFromPath(real),
      speedMbps: Number.isFinite(speed) && speed > 0 ? speed : null,
      addresses: addressesFrom(addrs[i.name]),
      counters: {
        rxBytes: s("rx_bytes"), txBytes: s("tx_bytes"),
        rxPackets: s("rx_packets"), txPackets: s("tx_packets"),
        rxErrors: s("rx_errors"), txErrors: s("tx_errors"),
        rxDropped: s("rx_dropped"), txDropped: s("tx_dropped"),
      },
    };
  });
}
