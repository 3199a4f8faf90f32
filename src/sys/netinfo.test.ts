import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultRoute4, defaultRoute6, defaultRoutes, hexToIPv4, interfaceDetails, parseRoutes, pciAddressFromPath } from "./netinfo";

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
