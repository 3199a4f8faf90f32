/** The monitor.* tools: CPU, memory, disk and log views of the running system. */
import { monitorCpu } from "./cpu";
import { monitorDisk } from "./disk";
import { monitorLogs } from "./logs";
import { monitorMemory } from "./memory";

export { MonitorError } from "./common";
export { monitorCpu, monitorDisk, monitorLogs, monitorMemory };

export const monitorTools = [monitorCpu, monitorMemory, monitorDisk, monitorLogs];
