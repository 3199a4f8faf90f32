/** hw.info: what the machine is made of, read from /proc and /sys. */
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { disks, interfaceDetails, meminfo, NOTABLE_CPU_FLAGS, parseCpuExtra, parseCpuinfo, pciDevices } from "../../sys";
import { listOf, plural } from "../summary";
import { formatBytes } from "../units";
import { defineTool } from "../define";

export const HW_SECTIONS = ["cpu", "memory", "disks", "pci", "nics"] as const;
export type HwSection = (typeof HW_SECTIONS)[number];

const cpuOutput = v.object({
  model: v.string(),
  vendor: v.nullable(v.string()),
  count: v.number(),
  mhz: v.nullable(v.number()),
  /** The notable flags present (vector units, crypto, virtualisation). */
  flags: v.array(v.string()),
  flagCount: v.number(),
});

const diskOutput = v.object({
  name: v.string(),
  sizeBytes: v.number(),
  readOnly: v.boolean(),
  rotational: v.boolean(),
  removable: v.boolean(),
  model: v.nullable(v.string()),
  vendor: v.nullable(v.string()),
  serial: v.nullable(v.string()),
  partitions: v.array(v.object({ name: v.string(), sizeBytes: v.number(), startSector: v.number(), number: v.number() })),
});

const pciOutput = v.object({
  address: v.string(),
  id: v.string(),
  vendor: v.string(),
  device: v.string(),
  subsystem: v.nullable(v.string()),
  classCode: v.string(),
  className: v.string(),
  driver: v.nullable(v.string()),
});

const nicOutput = v.object({
  name: v.string(),
  mac: v.string(),
  driver: v.nullable(v.string()),
  pci: v.nullable(v.string()),
  speedMbps: v.nullable(v.number()),
  state: v.string(),
});

/** CPU facts from /proc/cpuinfo: x86 lists `flags`, arm64 `Features`. */
export function cpuSection(text: string): v.InferOutput<typeof cpuOutput> {
  const base = parseCpuinfo(text);
  const extra = parseCpuExtra(text);
  const all = new Set(base.flags.length > 0 ? base.flags : extra.features);
  return {
    model: base.model,
    vendor: extra.vendor,
    count: base.count,
    mhz: extra.mhz,
    flags: NOTABLE_CPU_FLAGS.filter((f) => all.has(f)),
    flagCount: all.size,
  };
}

export const hwInfo = defineTool({
  name: "hw.info",
  description:
    "Hardware inventory: cpu (model, vendor, count, MHz, notable flags), memory (total and available bytes), disks (size, rotational, model, partitions), pci (vendor:device ids, class, driver) and nics (physical network interfaces with driver and PCI address). section picks one part; the default is all.",
  input: v.strictObject({
    section: v.optional(v.picklist(["all", ...HW_SECTIONS], `must be one of all, ${HW_SECTIONS.join(", ")}`), "all"),
  }),
  output: v.object({
    cpu: v.optional(cpuOutput),
    memory: v.optional(v.object({ totalBytes: v.number(), availableBytes: v.number() })),
    disks: v.optional(v.array(diskOutput)),
    pci: v.optional(v.array(pciOutput)),
    nics: v.optional(v.array(nicOutput)),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 10_000,
  execute(args, ctx) {
    const want = (s: HwSection) => args.section === "all" || args.section === s;
    const out: {
      cpu?: v.InferOutput<typeof cpuOutput>;
      memory?: { totalBytes: number; availableBytes: number };
      disks?: v.InferOutput<typeof diskOutput>[];
      pci?: v.InferOutput<typeof pciOutput>[];
      nics?: v.InferOutput<typeof nicOutput>[];
    } = {};
    if (want("cpu")) out.cpu = cpuSection(readFileSync("/proc/cpuinfo", "utf8"));
    if (want("memory")) out.memory = meminfo();
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (want("disks")) out.disks = disks();
    if (want("pci")) out.pci = pciDevices();
    if (want("nics")) {
      out.nics = interfaceDetails()
        .filter((i) => !i.virtual)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((i) => ({ name: i.name, mac: i.mac, driver: i.driver, pci: i.pci, speedMbps: i.speedMbps, state: i.state }));
    }
    return out;
  },
  summarize: (o) => {
    const lines: string[] = [];
    if (o.cpu) lines.push(`CPU: ${o.cpu.count} × ${o.cpu.model}${o.cpu.mhz ? ` at ${Math.round(o.cpu.mhz)} MHz` : ""}${o.cpu.flags.length ? ` (${listOf(o.cpu.flags, 8)})` : ""}`);
    if (o.memory) lines.push(`Memory: ${formatBytes(o.memory.totalBytes)}, ${formatBytes(o.memory.availableBytes)} available`);
    if (o.disks) lines.push(`Disks: ${listOf(o.disks.map((d) => `${d.name} ${formatBytes(d.sizeBytes)}${d.model ? ` (${d.model})` : ""}${d.readOnly ? " read-only" : ""}`), 8)}`);
    if (o.pci) lines.push(`PCI: ${plural(o.pci.length, "device")}${o.pci.length ? `: ${listOf(o.pci.map((p) => `${p.className} ${p.id}${p.driver ? ` (${p.driver})` : ""}`), 6)}` : ""}`);
    if (o.nics) lines.push(`Network cards: ${listOf(o.nics.map((n) => `${n.name} ${n.mac} ${n.state}${n.driver ? ` (${n.driver})` : ""}${n.speedMbps ? ` ${n.speedMbps} Mb/s` : ""}`), 6)}`);
    return lines.join("\n") || "No hardware section was read";
  },
});
