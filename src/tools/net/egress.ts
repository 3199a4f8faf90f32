/**
 * The egress policy of the net.* tools (issue 11: net.http_check and
 * net.http_request reached the management API on loopback and link-local
 * addresses with no policy). By default a tool may not reach:
 *
 * - loopback (127.0.0.0/8, ::1) and the unspecified address: services bound
 *   there trust that only this machine talks to them;
 * - link-local (169.254.0.0/16, fe80::/10): cloud metadata services live there;
 * - multicast and broadcast;
 * - the management API, on any address (its port on this machine's own).
 *
 * One exception needs no configuration: a loopback port on which a service
 * that aiOS itself supervises listens (nginx after "configure nginx as a
 * reverse proxy"): checking our own service is what the goal asked, and the
 * service was defined through an audited call. The management API's port
 * stays denied even then.
 *
 * `[network] egress_allow` lets some through ("127.0.0.1:80", "10.0.0.0/8",
 * "[::1]:8080"); the management API only when an entry names its port.
 * `[network] allow_outbound = false` denies every address egress_allow does
 * not name. The check is on the resolved addresses, never on the name (DNS
 * rebinding: a name that resolves to 127.0.0.1 is loopback), and plain
 * http connects to the address that was checked; https keeps the name for
 * TLS, where a rebound name would fail the certificate check anyway.
 * Redirects are followed by hand, each hop checked again.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { fdTargets, sockets, TCP_LISTEN } from "../../sys";
import type { EgressSettings, ToolEnv } from "../define";

export type { EgressSettings };
import { NetError } from "./common";

/** What the tools get when nothing is configured: the default policy, nothing allowed. */
export const DEFAULT_EGRESS: EgressSettings = { allowOutbound: true, allow: [], managementPorts: () => [] };

const family = (ip: string) => (isIP(ip) === 6 ? "ipv6" : "ipv4");

const DENIED: Array<[string, number, "ipv4" | "ipv6", string]> = [
  ["127.0.0.0", 8, "ipv4", "loopback"],
  ["0.0.0.0", 8, "ipv4", "the unspecified address"],
  ["169.254.0.0", 16, "ipv4", "link-local (cloud metadata lives there)"],
  ["224.0.0.0", 4, "ipv4", "multicast"],
  ["255.255.255.255", 32, "ipv4", "broadcast"],
  ["::1", 128, "ipv6", "loopback"],
  ["::", 128, "ipv6", "the unspecified address"],
  ["fe80::", 10, "ipv6", "link-local"],
  ["ff00::", 8, "ipv6", "multicast"],
];
const denied = DENIED.map(([net, prefix, fam, why]) => {
  const b = new BlockList();
  b.addSubnet(net, prefix, fam);
  return { b, why };
});

interface Allowance {
  list: BlockList;
  port?: number;
}

/** Parses one egress_allow entry; null when it is not one. */
export function parseAllowance(entry: string): Allowance | null {
  let host = entry.trim();
  let port: number | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?:\/(\d+))?(?::(\d+))?$/.exec(host);
  let prefix: number | undefined;
  if (v6) {
    host = v6[1]!;
    prefix = v6[2] === undefined ? undefined : Number(v6[2]);
    port = v6[3] === undefined ? undefined : Number(v6[3]);
  } else if (isIP(host) !== 6) {
    const m = /^([0-9.]+)(?:\/(\d+))?(?::(\d+))?$/.exec(host);
    if (!m) return null;
    host = m[1]!;
    prefix = m[2] === undefined ? undefined : Number(m[2]);
    port = m[3] === undefined ? undefined : Number(m[3]);
  }
  if (!isIP(host)) return null;
  const fam = family(host);
  if (prefix !== undefined && (prefix < 0 || prefix > (fam === "ipv6" ? 128 : 32))) return null;
  if (port !== undefined && !(port >= 1 && port <= 65535)) return null;
  const list = new BlockList();
  if (prefix === undefined) list.addAddress(host, fam);
  else list.addSubnet(host, prefix, fam);
  return { list, port };
}

/** This machine's own addresses: the management API listens on them (0.0.0.0 in the VM). */
function ownAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address);
  return out;
}

/**
 * Why `ip:port` is denied, or null when it may be reached. `connectOnly`
 * (net.check_port: a TCP connect, closed at once, no byte sent) may touch
 * loopback and the API's port: it learns "open" and nothing else.
 */
export function deniedWhy(settings: EgressSettings, ip: string, port: number, connectOnly = false): string | null {
  const fam = family(ip);
  const allowances = settings.allow.map(parseAllowance).filter((a): a is Allowance => a !== null);
  const allowed = (needPort: boolean) => allowances.some((a) => a.list.check(ip, fam) && (a.port === undefined ? !needPort : a.port === port));
  const local = denied.find((d) => d.b.check(ip, fam));
  const loopback = local?.why === "loopback" || local?.why === "the unspecified address";
  if (connectOnly && loopback) return null;
  const api = !connectOnly && settings.managementPorts().includes(port) && (local?.why === "loopback" || local?.why === "the unspecified address" || ownAddresses().has(ip));
  if (api) return allowed(true) ? null : "the management API (allow it only by naming its port in [network] egress_allow)";
  if (allowed(false)) return null;
  if (local) return local.why;
  return settings.allowOutbound ? null : "outbound traffic is off ([network] allow_outbound = false) and egress_allow does not name it";
}

/** Resolves `host` and checks every address; returns the first (what to connect to). */
export async function checkEgress(env: ToolEnv, tool: string, host: string, port: number, connectOnly = false): Promise<string> {
  const settings = env.egress ?? DEFAULT_EGRESS;
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  let addresses: string[];
  if (isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = (await lookup(bare, { all: true })).map((a) => a.address);
    } catch (err) {
      throw new NetError("ENOTFOUND", tool, `${host}:${port}`, "host name not found", { cause: err });
    }
  }
  for (const ip of addresses) {
    let why = deniedWhy(settings, ip, port, connectOnly);
    if (why === "loopback" && supervisedListener(settings, port)) why = null;
    if (why) throw new NetError("egress_denied", tool, `${host}:${port}`, `refused by the egress policy: ${ip === bare ? ip : `${host} is ${ip}`}, ${why}`);
  }
  return addresses[0]!;
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/** Whether a process of a supervised service holds a listening TCP socket on `port` (its fds only: a few /proc reads). */
export function supervisedListener(settings: EgressSettings, port: number, procRoot = "/proc"): boolean {
  const pids = settings.servicePids?.() ?? [];
  if (pids.length === 0) return false;
  const inodes = new Set(sockets(["tcp"], `${procRoot}/net`).filter((s) => s.state === TCP_LISTEN && s.localPort === port).map((s) => s.inode));
  if (inodes.size === 0) return false;
  return pids.some((pid) => fdTargets(pid, procRoot).some((t) => inodes.has(Number(SOCKET_LINK.exec(t)?.[1]))));
}

const defaultPort = (u: URL) => (u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80);

/**
 * fetch through the egress policy: each URL (the first and every redirect)
 * is checked on its resolved address; plain http goes to that address with
 * the Host header, so a second lookup cannot lead elsewhere.
 */
export async function egressFetch(env: ToolEnv, tool: string, url: string, init: RequestInit, opts: { follow: boolean; maxRedirects?: number }): Promise<{ res: Response; url: string; redirected: boolean }> {
  let current = new URL(url);
  let method = init.method ?? "GET";
  let body = init.body;
  for (let hop = 0; ; hop++) {
    const ip = await checkEgress(env, tool, current.hostname, defaultPort(current));
    let target = current.href;
    const headers = new Headers(init.headers);
    if (current.protocol === "http:") {
      const pinned = new URL(current.href);
      pinned.hostname = isIP(ip) === 6 ? `[${ip}]` : ip;
      target = pinned.href;
      headers.set("host", current.host);
    }
    const res = await fetch(target, { ...init, method, body, headers, redirect: "manual" });
    const location = res.headers.get("location");
    if (!opts.follow || res.status < 300 || res.status > 399 || !location) return { res, url: current.href, redirected: hop > 0 };
    if (hop >= (opts.maxRedirects ?? 10)) throw new NetError("too_many_redirects", tool, url, `more than ${opts.maxRedirects ?? 10} redirects`);
    await res.body?.cancel().catch(() => {});
    const next = new URL(location, current);
    if (next.protocol !== "http:" && next.protocol !== "https:") throw new NetError("bad_redirect", tool, url, `redirected to ${next.protocol} (only http and https are followed)`);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = method === "HEAD" ? "HEAD" : "GET";
      body = undefined;
    }
    current = next;
  }
}
