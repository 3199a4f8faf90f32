import { monitorCpu, monitorDisk, monitorMemory, serviceList } from "../../tools";
import { defineAgent } from "../define";
import { checkReport } from "../summary";

export const monitor = defineAgent({
  name: "monitor",
  description: "Watches cpu, memory, disks, logs, services and endpoints.",
  capabilities: ["monitor", "hw.info", "net.check_port", "net.http_check", "net.http_request", "service.status", "service.list", "process.top", "net.listening", "sys.uptime"],
  handlers: {
    /** cpu, memory, disk and service status, summed up with what is wrong. */
    async check(_msg, ctx) {
      const [cpu, memory, disk, services] = await Promise.all([
        ctx.attempt(monitorCpu, {}),
        ctx.attempt(monitorMemory, {}),
        ctx.attempt(monitorDisk, {}),
        ctx.attempt(serviceList, {}),
      ]);
      const results = { "monitor.cpu": cpu, "monitor.memory": memory, "monitor.disk": disk, "service.list": services };
      return { ...checkReport(results), results };
    },
  },
});
