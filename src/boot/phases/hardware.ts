/**
 * Hardware check (seed 003 phase 1): load the drivers the image lists, then
 * enumerate CPU, RAM, disks and NICs and verify the configured minimums.
 */
import { existsSync, readFileSync } from "node:fs";
import { AiosError, blockDevices, cpuinfo, loadModules, meminfo, netInterfaces } from "../../sys";
import { HARDWARE } from "../products";
import { definePhase, defineStep } from "../step";

/** Written by the image build: one module per line, in load order. */
export const MODULES_LIST = "/etc/aios/modules";

export function moduleNames(text: string): string[] {
  return text.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
}

const MiB = 1024 * 1024;

export const hardware = definePhase({
  name: "hardware",
  required: true,
  steps: [
    defineStep({
      name: "modules",
      pid1Only: true,
      required: false,
      describe: () => `modprobe -a $(cat ${MODULES_LIST})`,
      // In process (finit_module), not /bin/modprobe: under TCG a child process costs tens of ms before it does anything.
      run: () => {
        if (!existsSync(MODULES_LIST)) return { skip: `no ${MODULES_LIST} in the image` };
        const names = moduleNames(readFileSync(MODULES_LIST, "utf8"));
        if (!names.length) return { skip: "module list is empty" };
        const { loaded, already, builtin } = loadModules(names);
        return [`${loaded.length} modules`, already.length && `${already.length} already loaded`, builtin.length && `${builtin.join(" ")} built in`].filter(Boolean).join(", ");
      },
    }),
    defineStep({
      name: "enumerate",
      provides: [HARDWARE],
      describe: () => "cat /proc/cpuinfo /proc/meminfo; ls /sys/block /sys/class/net",
      run: (ctx) => {
        const { cpu, memory, disks, nics } = ctx.products.provide(HARDWARE, { cpu: cpuinfo(), memory: meminfo(), disks: blockDevices(), nics: netInterfaces() });
        return `${cpu.count} CPU, ${Math.round(memory.totalBytes / MiB)} MiB, disks: ${disks.map((d) => d.name).join(" ") || "none"}, nics: ${nics.map((n) => n.name).join(" ")}`;
      },
    }),
    defineStep({
      name: "minimums",
      needs: { hw: HARDWARE },
      describe: (ctx) => `test $(nproc) -ge ${ctx.config.boot.min_cpus} && test MemTotal -ge ${ctx.config.boot.min_memory_mb}MiB`,
      run: (ctx, { hw }) => {
        const { min_cpus, min_memory_mb } = ctx.config.boot;
        const mib = Math.round(hw.memory.totalBytes / MiB);
        if (mib < min_memory_mb) throw new AiosError("below_minimum", `memory: ${mib} MiB present, ${min_memory_mb} MiB required (boot.min_memory_mb)`);
        if (hw.cpu.count < min_cpus) throw new AiosError("below_minimum", `cpus: ${hw.cpu.count} present, ${min_cpus} required (boot.min_cpus)`);
      },
    }),
  ],
});
