/**
 * Source addresses of firewall rules: an IPv4 or IPv6 address, or a network in
 * CIDR notation, kept in one canonical spelling so that two ways of writing
 * the same network are the same rule. node:net says what an address is; the
 * arithmetic (prefix masks, containment) is a few lines of bigint, which no
 * library in the image offers (net.BlockList answers "is this address in it",
 * not "is this network inside that one").
 */
import { isIPv4, isIPv6 } from "node:net";

export interface Network {
  family: 4 | 6;
  /** The address as a number, host bits zero. */
  bits: bigint;
  /** 0..32 or 0..128. */
  prefix: number;
}

const WIDTH = { 4: 32, 6: 128 } as const;

function v4Bits(text: string): bigint {
  return text.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function v6Bits(text: string): bigint {
  let head = text;
  let tail4: bigint | null = null;
  // A dotted IPv4 tail (::ffff:10.0.0.1) is the last two groups.
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (dotted) {
    tail4 = v4Bits(dotted[1]!);
    head = `${head.slice(0, dotted.index)}:0:0`;
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, null];
  const groups = (s: string | null | undefined) => (s ? s.split(":") : []);
  const l = groups(left);
  const r = groups(right);
  const all = right === null ? l : [...l, ...Array<string>(8 - l.length - r.length).fill("0"), ...r];
  let n = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tail4 !== null) n = (n & ~0xffffffffn) | tail4;
  return n;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const width = BigInt(WIDTH[family]);
  return ((1n << width) - 1n) ^ ((1n << (width - BigInt(prefix))) - 1n);
}

export class AddressError extends Error {}

/** Parses "10.0.0.0/8", "192.168.1.7", "2001:db8::/32"; throws AddressError with a reason a person can act on. */
export function parseNetwork(text: string): Network {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(addr) ? 4 : isIPv6(addr) && !addr.includes("%") ? 6 : null;
  if (!family) throw new AddressError("must be an IPv4 or IPv6 address, or a network such as 10.0.0.0/8");
  let prefix: number = WIDTH[family];
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > WIDTH[family]) throw new AddressError(`prefix length must be 0..${WIDTH[family]}`);
    prefix = Number(p);
  }
  const bits = family === 4 ? v4Bits(addr) : v6Bits(addr);
  const network = bits & mask(family, prefix);
  if (network !== bits) {
    const suggestion = formatNetwork({ family, bits: network, prefix });
    throw new AddressError(`${text} has host bits set; the network is ${suggestion}`);
  }
  return { family, bits, prefix };
}

function v4Text(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join(".");
}

/** RFC 5952 spelling (lower case, longest run of zero groups as ::), via the URL parser's canonical IPv6 host. */
function v6Text(bits: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((bits >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}

/** The canonical spelling: a single host without its /32 or /128. */
export function formatNetwork(n: Network): string {
  const addr = n.family === 4 ? v4Text(n.bits) : v6Text(n.bits);
  return n.prefix === WIDTH[n.family] ? addr : `${addr}/${n.prefix}`;
}

/** Canonical spelling of a source, or throws AddressError. */
export function canonicalNetwork(text: string): string {
  return formatNetwork(parseNetwork(text));
}

/** Whether every address of `inner` is in `outer` (same family only). */
export function contains(outer: Network, inner: Network): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && (inner.bits & mask(outer.family, outer.prefix)) === outer.bits;
}
