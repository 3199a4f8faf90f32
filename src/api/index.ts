export { createApi } from "./app";
export { startServer, type RunningServer, type ServerOptions } from "./server";
export { HttpError } from "./errors";
export type { ApiDeps, PowerAction, SystemInfo, ToolsApi } from "./types";
