export { createApi } from "./app";
export { startServer, type RunningServer, type ServerOptions } from "./server";
export { HttpError } from "./errors";
export { TokenStore } from "./tokens";
export { ROLES, type Role } from "./roles";
export type { ApiDeps, PowerAction, SystemInfo, ToolsApi } from "./types";
export { DEFAULT_BODY_BYTES, UPDATE_BODY_BYTES } from "./limits";
