/** The tool registry: typed tools and the one executor every call goes through. */
export { Capabilities, capabilityCovers, type CapabilityChange } from "./capabilities";
export { defineTool, namespaceOf, RISKS, type Risk, type Tool, type ToolContext, type ToolEnv, type ToolHost } from "./define";
export * from "./errors";
export type { CallOutcome, CallRequest, ToolCaller } from "./types";
export { ToolRegistry, type ToolDescription } from "./registry";
export { Executor, type ApprovalOutcome, type Decision, type ExecutorOptions } from "./executor";
export { AUTONOMY_LEVELS, type ApprovalRule, type ArgPattern, type AutonomyLevel } from "./gate";
export type { CorrelationUndo, UndoOutcome } from "./rollback";
export type { ApprovalView, CallView } from "./views";
export { openToolSystem, type ToolSystem, type ToolSystemOptions } from "./system";
export { CATALOG, HOST_PROVIDERS, type HostPart, type HostProvider } from "./catalog";
