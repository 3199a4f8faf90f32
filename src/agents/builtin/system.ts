import { hwInfo, monitorDisk, monitorMemory } from "../../tools";
import { defineAgent } from "../define";
import { healthReport } from "../summary";

export const system = defineAgent({
  name: "system",
  description: "Files, processes, services, user accounts and hardware of the machine; the boot-time health check.",
  capabilities: ["fs", "process", "service", "hw", "user", "monitor.memory", "monitor.disk", "log", "sys.undo", "monitor.pressure", "sys.uptime", "sys.version", "sys.hostname", "sys.timezone", "sys.power", "sys.time"],
  handlers: {
    /** hw.info (cpu) + monitor.memory + monitor.disk, summed up in one line with any problems. */
    async health(_msg, ctx) {
      const [hw, memory, disk] = await Promise.all([
        ctx.attempt(hwInfo, { section: "cpu" }),
        ctx.attempt(monitorMemory, {}),
        ctx.attempt(monitorDisk, {}),
      ]);
      const results = { "hw.info": hw, "monitor.memory": memory, "monitor.disk": disk };
      return { ...healthReport(results), results };
    },
  },
});
