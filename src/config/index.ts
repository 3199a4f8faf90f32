export { ConfigSchema, defaultConfig, LOG_LEVELS, AUTONOMY_LEVELS, type AutonomyLevel, DEFAULT_FS_ROOTS, durationMs, TIME_ZONE, type Config } from "./schema";
export { loadConfig, parseConfig, describeIssue, type LoadedConfig } from "./load";
export { parseCmdline, applyOverrides, type CmdlineOverrides } from "./cmdline";
export { ECHO_CHARS, issuePath, issueReason, quoted } from "./issues";
