import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSocket } from "node:dgram";
import { defaultRoute4, defaultRoute6, defaultRoutes, hexToIPv4, interfaceDetails, isListening, parseRoutes, parseSockets, pciAddressFromPath, procHexToIPv6, sockets, socketOwners } from "./netinfo";

// Recorded from a QEMU user-net guest plus a second, higher-metric default on eth1.
const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth1\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

const IPV6_ROUTE = `fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
`;

describe("/proc/net/route", () => {
  test("little-endian hex words", () => {
    expect(hexToIPv4("0202000A")).toBe("10.0.2.2");
    expect(hexToIPv4("00FFFFFF")).toBe("255.255.255.0");
    expect(hexToIPv4("FFFFFFFF")).toBe("255.255.255.255");
  });
  test("rows with prefix lengths; the header is skipped", () => {
    const routes = parseRoutes(ROUTE);
    expect(routes).toHaveLength(3);
    expect(routes[2]).toEqual({ iface: "eth0", destination: "10.0.2.0", gateway: "0.0.0.0", mask: "255.255.255.0", prefix: 24, flags: 1, metric: 0 });
  });
  test("the default route with the lowest metric", () => {
    expect(defaultRoute4(parseRoutes(ROUTE))).toEqual({ iface: "eth0", gateway: "10.0.2.2", metric: 0 });
  });
  test("no default route, or only one that is down", () => {
    const lines = ROUTE.split("\n");
    expect(defaultRoute4(parseRoutes([lines[0], lines[3]].join("\n")))).toBeNull();
    expect(defaultRoute4(parseRoutes("Iface\tDestination\nwlan0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"))).toBeNull();
    expect(defaultRoute4([])).toBeNull();
  });
});

describe("/proc/net/ipv6_route", () => {
  test("::/0 via a gateway; the reject route on lo is ignored", () => {
    expect(defaultRoute6(IPV6_ROUTE)).toEqual({ iface: "eth0", gateway: "fd00::1", metric: 0x400 });
  });
  test("only the unreachable default", () => {
    expect(defaultRoute6(IPV6_ROUTE.split("\n")[2]!)).toBeNull();
  });
});

describe("pciAddressFromPath", () => {
  test("the innermost PCI function", () => {
    expect(pciAddressFromPath("/sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0")).toBe("0000:00:03.0");
    expect(pciAddressFromPath("/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.1/net/enp2s0f1")).toBe("0000:02:00.1");
    expect(pciAddressFromPath("/sys/devices/virtual/net/lo")).toBeNull();
  });
});

describe("interfaceDetails on a fixture tree", () => {
  const root = mkdtempSync(join(tmpdir(), "aios-net-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("mtu, counters, speed, addresses; a missing speed file is null", () => {
    const dev = join(root, "devices/pci0000:00/0000:00:03.0/virtio2/net/eth0");
    mkdirSync(join(dev, "statistics"), { recursive: true });
    mkdirSync(join(root, "drivers/virtio_net"), { recursive: true });
    mkdirSync(join(dev, "device"), { recursive: true });
    symlinkSync(join(root, "drivers/virtio_net"), join(dev, "device", "driver"));
    for (const [f, v] of [["address", "52:54:00:12:34:56"], ["operstate", "up"], ["mtu", "1500"], ["speed", "-1"]]) writeFileSync(join(dev, f!), `${v}\n`);
    for (const [f, v] of [["rx_bytes", "1000"], ["tx_bytes", "2000"], ["rx_packets", "10"], ["tx_dropped", "3"]]) writeFileSync(join(dev, "statistics", f!), `${v}\n`);
    const lo = join(root, "devices/virtual/net/lo");
    mkdirSync(lo, { recursive: true });
    writeFileSync(join(lo, "mtu"), "65536\n");
    const cls = join(root, "class/net");
    mkdirSync(cls, { recursive: true });
    symlinkSync(dev, join(cls, "eth0"));
    symlinkSync(lo, join(cls, "lo"));

    const list = interfaceDetails(cls, {
      eth0: [{ family: "IPv4", address: "10.0.2.15", cidr: "10.0.2.15/24" }, { family: "IPv6", address: "fe80::1", cidr: "fe80::1/64" }],
    }).sort((a, b) => a.name.localeCompare(b.name));
    expect(list[0]).toMatchObject({
      name: "eth0", mac: "52:54:00:12:34:56", state: "up", driver: "virtio_net", mtu: 1500, virtual: false, pci: "0000:00:03.0", speedMbps: null,
      addresses: [{ family: "IPv4", address: "10.0.2.15", prefix: 24 }, { family: "IPv6", address: "fe80::1", prefix: 64 }],
      counters: { rxBytes: 1000, txBytes: 2000, rxPackets: 10, txPackets: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 3 },
    });
    expect(list[1]).toMatchObject({ name: "lo", mtu: 65536, virtual: true, pci: null, driver: null, addresses: [] });
  });
});

describe("on the real system", () => {
  test("lo is there with 127.0.0.1/8 and counters", () => {
    const lo = interfaceDetails().find((i) => i.name === "lo");
    expect(lo).toBeDefined();
    expect(lo!.virtual).toBe(true);
    expect(lo!.addresses).toContainEqual({ family: "IPv4", address: "127.0.0.1", prefix: 8 });
    expect(lo!.mtu).toBeGreaterThan(0);
  });
  test("defaultRoutes agrees with a route to the gateway's interface", () => {
    const r = defaultRoutes().ipv4;
    if (r) expect(interfaceDetails().map((i) => i.name)).toContain(r.iface);
    const fixture = mkdtempSync(join(tmpdir(), "aios-procnet-"));
    writeFileSync(join(fixture, "route"), ROUTE);
    writeFileSync(join(fixture, "ipv6_route"), IPV6_ROUTE);
    expect(defaultRoutes(fixture)).toEqual({ ipv4: { iface: "eth0", gateway: "10.0.2.2", metric: 0 }, ipv6: { iface: "eth0", gateway: "fd00::1", metric: 0x400 } });
    expect(defaultRoutes(join(fixture, "missing"))).toEqual({ ipv4: null, ipv6: null });
    rmSync(fixture, { recursive: true });
  });
});

// Recorded on kernel 6.18 (x86_64): listeners on 0.0.0.0:2024, 127.0.0.1, [::], [::1], a loopback connection, an IPv4 client of [::].
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 345 1 000000008ea08ea4 100 0 0 10 0
   1: 0100007F:808D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 29204 1 0000000039835810 100 0 0 10 0
   2: 020200C0:B6FC 507100CB:0050 06 00000000:00000000 03:000005B7 00000000     0        0 0 3 000000003b8035c3
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:B133 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 29203 1 000000007f85be76 100 0 0 10 0
   1: 00000000000000000000000001000000:8835 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 29202 1 000000007f04015d 100 0 0 10 0
   2: 00000000000000000000000001000000:8835 00000000000000000000000001000000:CBEE 01 00000000:00000000 00:00000000 00000000     0        0 29208 1 000000006013f37f 20 0 0 10 -1
   3: 0000000000000000FFFF00000100007F:8151 0000000000000000FFFF00000100007F:81B4 01 00000000:00000000 00:00000000 00000000     0        0 29935 1 000000009d74226d 20 0 0 10 -1
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 5536: 0100007F:BE0C 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 29206 2 000000000cf11fc4 0
 5537: 0F02000A:0044 0202000A:0043 01 00000000:00000000 00:00000000 00000000     0        0 4121 2 000000000cf11fc5 0
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
11806: 00000000000000000000000001000000:D68A 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 29205 2 00000000cda5eadb 0
`;

describe("/proc/net sockets", () => {
  test("IPv6 words in host order; IPv4-mapped addresses in dotted form", () => {
    expect(procHexToIPv6("00000000000000000000000001000000")).toBe("::1");
    expect(procHexToIPv6("00000000000000000000000000000000")).toBe("::");
    expect(procHexToIPv6("0000000000000000FFFF00000100007F")).toBe("::ffff:127.0.0.1");
    expect(procHexToIPv6("000080FE00000000FF005452563412FE")).toBe("fe80::5254:ff:fe12:3456");
  });
  test("tcp rows: addresses, ports, state, uid and inode", () => {
    const rows = parseSockets(TCP, "tcp", "IPv4");
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ protocol: "tcp", family: "IPv4", localAddress: "0.0.0.0", localPort: 2024, remoteAddress: "0.0.0.0", remotePort: 0, state: 0x0a, uid: 0, inode: 345 });
    expect(rows[1]).toMatchObject({ localAddress: "127.0.0.1", localPort: 32909, uid: 1000, inode: 29204 });
    expect(rows[2]).toMatchObject({ localAddress: "192.0.2.2", remoteAddress: "203.0.113.80", remotePort: 80, state: 6 });
    expect(rows.map(isListening)).toEqual([true, true, false]);
  });
  test("tcp6 rows; only LISTEN counts as listening", () => {
    const rows = parseSockets(TCP6, "tcp", "IPv6");
    expect(rows.map((r) => `${r.localAddress}:${r.localPort}`)).toEqual([":::45363", "::1:34869", "::1:34869", "::ffff:127.0.0.1:33105"]);
    expect(rows.map(isListening)).toEqual([true, true, false, false]);
  });
  test("udp: bound and unconnected is listening, connected is not", () => {
    const v4 = parseSockets(UDP, "udp", "IPv4");
    expect(v4.map((r) => [r.localAddress, r.localPort, isListening(r)])).toEqual([["127.0.0.1", 48652, true], ["10.0.2.15", 68, false]]);
    expect(parseSockets(UDP6, "udp", "IPv6").map((r) => [r.localAddress, r.localPort, isListening(r)])).toEqual([["::1", 54922, true]]);
  });
  test("headers and garbage are skipped", () => {
    expect(parseSockets("  sl  local_address\nnonsense\n", "tcp", "IPv4")).toEqual([]);
    expect(parseSockets(TCP6, "tcp", "IPv4")).toEqual([]);
  });

  test("this host: a listener of ours is found with this process as its owner", async () => {
    const tcp = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const udp = createSocket("udp4");
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
    try {
      const all = sockets();
      const t = all.find((s) => s.protocol === "tcp" && s.localPort === tcp.port && isListening(s));
      const u = all.find((s) => s.protocol === "udp" && s.localPort === udp.address().port && isListening(s));
      expect(t).toMatchObject({ family: "IPv4", localAddress: "127.0.0.1", uid: process.getuid!() });
      expect(u).toMatchObject({ family: "IPv4", localAddress: "127.0.0.1" });
      const owners = await socketOwners(new Set([t!.inode, u!.inode]));
      expect(owners.get(t!.inode)).toEqual([process.pid]);
      expect(owners.get(u!.inode)).toEqual([process.pid]);
    } finally {
      tcp.stop(true);
      udp.close();
    }
  });
  test("socketOwners stops when its signal fires", async () => {
    const c = new AbortController();
    c.abort(new Error("stop"));
    await expect(socketOwners(new Set([1]), { signal: c.signal })).rejects.toThrow("stop");
    expect(await socketOwners(new Set())).toEqual(new Map());
  });
});
