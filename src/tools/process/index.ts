/** The process tools: /proc readers, argv-only spawning, and signals that spare init, aios-init and kernel threads. */
import { processInfo, processList } from "./list";
import { processKill, processSignal } from "./signal";
import { processSpawn } from "./spawn";
import { processTop } from "./top";

export const processTools = [processList, processInfo, processSpawn, processKill, processSignal, processTop];

export { ProcessError } from "./errors";
export { processInfo, processKill, processList, processSignal, processSpawn, processTop };
