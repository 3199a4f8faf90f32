/** The process tools: /proc readers, argv-only spawning, and signals that spare init, aios-init and kernel threads. */
import { processInfo, processList } from "./list";
import { processKill, processSignal } from "./signal";
import { processSpawn } from "./spawn";

export const processTools = [processList, processInfo, processSpawn, processKill, processSignal];

export { ProcessError } from "./errors";
export { processInfo, processKill, processList, processSignal, processSpawn };
