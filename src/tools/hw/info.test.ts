import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { cpuSection, hwInfo } from "./info";

const t = makeEnv();
afterAll(() => t.cleanup());

describe("cpuSection", () => {
  test("x86: notable flags present, in a fixed order, and the full count", () => {
    const text = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: QEMU Virtual CPU\ncpu MHz\t\t: 2400.000\nflags\t\t: fpu avx2 sse4_2 hypervisor aes de\n\nprocessor\t: 1\n";
    expect(cpuSection(text)).toEqual({ model: "QEMU Virtual CPU", vendor: "GenuineIntel", count: 2, mhz: 2400, flags: ["sse4_2", "avx2", "aes", "hypervisor"], flagCount: 6 });
  });
  test("arm64: Features stand in for flags", () => {
    expect(cpuSection("processor\t: 0\nFeatures\t: fp asimd sha2\n")).toEqual({ model: "unknown", vendor: null, count: 1, mhz: null, flags: ["asimd", "sha2"], flagCount: 3 });
  });
});

describe("hw.info on this host", () => {
  test("every section, with at least one CPU and some memory", async () => {
    const r = await call(hwInfo, {}, makeCtx(t.env));
    expect(r.cpu!.count).toBeGreaterThanOrEqual(1);
    expect(r.cpu!.flagCount).toBeGreaterThanOrEqual(r.cpu!.flags.length);
    expect(r.memory!.totalBytes).toBeGreaterThan(0);
    expect(Array.isArray(r.disks)).toBe(true);
    // every PCI function the kernel lists, or none where there is no PCI bus
    let pciCount = 0;
    try {
      pciCount = readdirSync("/sys/bus/pci/devices").length;
    } catch {}
    expect(r.pci).toHaveLength(pciCount);
    for (const n of r.nics!) expect(n.name).not.toBe("lo");
    expect(() => checkOutput(hwInfo, r)).not.toThrow();
  });

  test("section asks for one part only", async () => {
    const r = await call(hwInfo, { section: "cpu" }, makeCtx(t.env));
    expect(Object.keys(r)).toEqual(["cpu"]);
    expect(Object.keys(await call(hwInfo, { section: "pci" }, makeCtx(t.env)))).toEqual(["pci"]);
  });

  test("a bad section names the choices", () => {
    expect(() => parseArgs(hwInfo, { section: "gpu" })).toThrow("args.section: must be one of all, cpu, memory, disks, pci, nics");
    expect(() => parseArgs(hwInfo, { sections: "cpu" })).toThrow("args.sections: unknown field");
  });
});
