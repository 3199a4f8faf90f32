/** The monitor.* tools: CPU, memory, disk, pressure and log views of the running system, and the autonomy loop's watchlist. */
import { WatchStore } from "./store";
import type { HostProvider } from "../define";
import { monitorCpu } from "./cpu";
import { monitorDisk } from "./disk";
import { monitorLogs } from "./logs";
import { monitorMemory } from "./memory";
import { monitorPressure } from "./pressure";
import { monitorUnwatch, monitorWatch, monitorWatchlist } from "./watch";

export { MonitorError } from "./common";
export { monitorCpu, monitorDisk, monitorLogs, monitorMemory, monitorPressure, monitorUnwatch, monitorWatch, monitorWatchlist };

export const monitorTools = [monitorCpu, monitorMemory, monitorDisk, monitorLogs, monitorWatch, monitorUnwatch, monitorWatchlist, monitorPressure];

/** ToolHost.watches: the watchlist in the working database. */
export const monitorHost: HostProvider = ({ working }) => ({ host: { watches: new WatchStore(working) } });
