export { Channel, type InitEvent, type PowerAction } from "./events";
export { trapSignals, PID1_SIGNALS, DEV_SIGNALS } from "./signals";
export { consoleShell } from "./shell";
export { shutdown, type ShutdownTarget } from "./shutdown";
