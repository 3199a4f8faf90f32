/**
 * Network state from /proc/net and /sys/class/net: routes, per-interface MTU
 * and counters. Addresses come from getifaddrs (node:os), which is what the
 * kernel reports over netlink; /proc has no per-interface IPv4 list.
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { fdTargets, netInterfaces, type NetInterface } from "./proc";

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

/** 32 hex digits in network order (as /proc/net/ipv6_route writes them) as RFC 5952 text. */
export function hexToIPv6(hex: string): string {
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

export const SOCKET_PROTOCOLS = ["tcp", "udp"] as const;
export type SocketProtocol = (typeof SOCKET_PROTOCOLS)[number];

/** One row of /proc/net/{tcp,tcp6,udp,udp6}. */
export interface Socket {
  protocol: SocketProtocol;
  family: "IPv4" | "IPv6";
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The kernel's TCP state number (include/net/tcp_states.h); UDP uses the same numbers. */
  state: number;
  uid: number;
  inode: number;
}

/** include/net/tcp_states.h */
export const TCP_ESTABLISHED = 0x01;
export const TCP_CLOSE = 0x07;
export const TCP_LISTEN = 0x0a;

/**
 * /proc/net/tcp6 writes an address as four 32-bit words, each in host order
 * (little-endian on x86 and arm64); an IPv4-mapped address reads as
 * `::ffff:127.0.0.1`, as ss shows it.
 */
export function procHexToIPv6(hex: string): string {
  const network = (hex.match(/.{8}/g) ?? []).map((w) => (w.match(/../g) ?? []).reverse().join("")).join("");
  if (/^0{20}ffff/i.test(network)) return `::ffff:${hexToIPv4(network.slice(24).match(/../g)!.reverse().join(""))}`;
  return hexToIPv6(network);
}

/** The rows of one /proc/net socket table; the header and malformed lines are skipped. */
export function parseSockets(text: string, protocol: SocketProtocol, family: "IPv4" | "IPv6"): Socket[] {
  const addr = family === "IPv4" ? /^([0-9A-Fa-f]{8}):([0-9A-Fa-f]{4})$/ : /^([0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/;
  const toText = family === "IPv4" ? hexToIPv4 : procHexToIPv6;
  const out: Socket[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue;
    const local = addr.exec(f[1]!);
    const remote = addr.exec(f[2]!);
    if (!local || !remote) continue;
    out.push({
      protocol,
      family,
      localAddress: toText(local[1]!),
      localPort: Number.parseInt(local[2]!, 16),
      remoteAddress: toText(remote[1]!),
      remotePort: Number.parseInt(remote[2]!, 16),
      state: Number.parseInt(f[3]!, 16),
      uid: Number(f[7]),
      inode: Number(f[9]),
    });
  }
  return out;
}

/** What `ss -l` shows: TCP in LISTEN, UDP bound but not connected to a peer. */
export function isListening(s: Socket): boolean {
  return s.protocol === "tcp" ? s.state === TCP_LISTEN : s.state === TCP_CLOSE && s.remotePort === 0;
}

/** Every socket of the given protocols, IPv4 and IPv6; a table the kernel lacks (no IPv6) reads as empty. */
export function sockets(protocols: readonly SocketProtocol[] = SOCKET_PROTOCOLS, procNet = "/proc/net"): Socket[] {
  return protocols.flatMap((p) => [...parseSockets(tryReadFile(`${procNet}/${p}`), p, "IPv4"), ...parseSockets(tryReadFile(`${procNet}/${p}6`), p, "IPv6")]);
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/**
 * The processes holding each socket inode open, found through
 * /proc/<pid>/fd (as ss -p and fuser do). Walks every process's descriptors
 * (a socket shared after fork, by a server's workers, has several owners, so
 * there is no stopping at the first), yielding to the event loop every few
 * processes; other users' processes are invisible without root.
 */
export async function socketOwners(inodes: ReadonlySet<number>, options: { procRoot?: string; signal?: AbortSignal } = {}): Promise<Map<number, number[]>> {
  const procRoot = options.procRoot ?? "/proc";
  const owners = new Map<number, number[]>();
  if (inodes.size === 0) return owners;
  if (options.signal?.aborted) throw options.signal.reason;
  const pids = readdirSync(procRoot).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  for (const [i, pid] of pids.entries()) {
    if (i % 32 === 31) {
      await Bun.sleep(0);
      if (options.signal?.aborted) throw options.signal.reason;
    }
    for (const target of fdTargets(pid, procRoot)) {
      const m = SOCKET_LINK.exec(target);
      if (!m) continue;
      const inode = Number(m[1]);
      if (!inodes.has(inode)) continue;
      const list = owners.get(inode) ?? [];
      if (!list.includes(pid)) list.push(pid);
      owners.set(inode, list);
    }
  }
  return owners;
}
