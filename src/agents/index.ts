/** The agents: seed 003's eight, declared as data and run as supervised actors that act only through tools. */
export { AGENTS } from "./builtin";
export { defineAgent, type Agent, type AgentContext, type AgentDefinition, type AgentHandler, type AgentMessage, type Attempt, type CallMessage } from "./define";
export * from "./errors";
export { agentLogic, type AgentState } from "./logic";
export { AGENTS_SUPERVISOR, AgentRuntime, DEFAULT_AGENT_ASK_MS, startAgents, type AgentInfo, type StartAgentsOptions } from "./runtime";
export { type CheckAnswer, type CheckParts, checkReport, healthReport, THRESHOLDS, type Report } from "./summary";
