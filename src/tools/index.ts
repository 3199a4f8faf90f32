/** The tool registry: typed tools and the one executor every call goes through. */
export { Capabilities, capabilityCovers, type CapabilityChange } from "./capabilities";
export { defineTool, namespaceOf, RISKS, type Risk, type Tool, type ToolContext, type ToolEnv, type ToolHost } from "./define";
export * from "./errors";
export type { CallOutcome, CallRequest, ToolCaller } from "./types";
