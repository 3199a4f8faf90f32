import { describe, expect, test } from "bun:test";
import { defaultConfig } from "../../config";
import { createContext, layout } from "../context";
import { HARDWARE, type Hardware } from "../products";
import { hardware, moduleNames } from "./hardware";

describe("moduleNames", () => {
  test("one module per line, in order, without comments, blanks or spaces", () => {
    const text = ["# virtio drivers for QEMU", "virtio_pci", "", "  virtio_blk  ", "virtio_net # the NIC", "\t", "#ext4", "ext4", ""].join("\n");
    expect(moduleNames(text)).toEqual(["virtio_pci", "virtio_blk", "virtio_net", "ext4"]);
  });

  test("empty and comment-only lists", () => {
    expect(moduleNames("")).toEqual([]);
    expect(moduleNames("# nothing\n\n   # here\n")).toEqual([]);
  });

  test("CRLF line ends are tolerated", () => {
    expect(moduleNames("a\r\nb\r\n")).toEqual(["a", "b"]);
  });
});

describe("hardware phase", () => {
  const ctx = () => createContext({ mode: "dev", config: defaultConfig(), paths: layout("/nonexistent") }, () => {});

  test("modules is pid1Only and optional; enumerate provides the hardware it found", async () => {
    const [modules, enumerate, minimums] = hardware.steps;
    expect(modules).toMatchObject({ name: "modules", pid1Only: true, required: false });
    const c = ctx();
    const detail = await enumerate!.run(c, {});
    const hw = c.products.get(HARDWARE);
    expect(hw.cpu.count).toBeGreaterThan(0);
    expect(hw.memory.totalBytes).toBeGreaterThan(0);
    expect(detail).toMatch(new RegExp(`^${hw.cpu.count} CPU, \\d+ MiB, disks: .+, nics: `));
    expect(minimums!.needs).toEqual({ hw: HARDWARE });
    expect(minimums!.describe(c)).toBe("test $(nproc) -ge 1 && test MemTotal -ge 256MiB");
  });

  test("minimums fails with the config key named when memory is short", () => {
    const c = ctx();
    const hw: Hardware = { cpu: { count: 4, model: "x", flags: [] }, memory: { totalBytes: 128 * 1024 * 1024, availableBytes: 0 }, disks: [], nics: [] };
    expect(() => hardware.steps[2]!.run(c, { hw })).toThrow("memory: 128 MiB present, 256 MiB required (boot.min_memory_mb)");
    hw.memory.totalBytes = 512 * 1024 * 1024;
    c.config.boot.min_cpus = 8;
    expect(() => hardware.steps[2]!.run(c, { hw })).toThrow("cpus: 4 present, 8 required (boot.min_cpus)");
    c.config.boot.min_cpus = 4;
    expect(hardware.steps[2]!.run(c, { hw })).toBeUndefined();
  });
});
