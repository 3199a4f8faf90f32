/** The tool registry: typed tools and the one executor every call goes through. */
export { Capabilities, capabilityCovers, type CapabilityChange } from "./capabilities";
export { defineTool, namespaceOf, resultOf, RISKS, type Risk, type Tool, type ToolArgs, type ToolContext, type ToolEnv, type ToolHost, type ToolResult } from "./define";
// The tools internal callers name (agents, the autonomy loop): their results are typed by these objects.
export { hwInfo } from "./hw";
export { monitorCpu, monitorDisk, monitorMemory, monitorWatchlist } from "./monitor";
export { netCheckPort, netHttpCheck, netInterfaces } from "./net";
export { scheduleList } from "./schedule";
export { secAuditVerify } from "./sec";
export { serviceList, serviceRestart, serviceStatus } from "./service";
export * from "./errors";
export type { CallOutcome, CallRequest, ToolCaller } from "./types";
export { ToolRegistry, type ToolDescription } from "./registry";
export { Executor, type CallObservation, type ExecutorOptions } from "./executor";
export { Approvals, type ApprovalOutcome, type Decision } from "./approvals";
export { Policy } from "./policy";
export { AUTONOMY_LEVELS, type ApprovalRule, type ArgPattern, type AutonomyLevel } from "./gate";
export type { CorrelationUndo, UndoOutcome } from "./rollback";
export type { ApprovalView, CallView } from "./views";
export { openToolSystem, type ToolSystem, type ToolSystemOptions } from "./system";
export { CATALOG, HOST_PROVIDERS, type HostPart, type HostProvider } from "./catalog";
