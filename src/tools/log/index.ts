/** The log.* tools: rotation of the logs under /var/log by policy (size, age, generations kept), aiOS's own log included. */
import type { HostProvider } from "../define";
import { LogRotation } from "./rotation";
import { LogPolicyStore } from "./store";
import { logPolicies, logRotate, logSetPolicy } from "./tools";

export { LogError } from "./errors";
export { LogRotation, OWN_LOG_POLICY, type RotationReport } from "./rotation";
export { logPolicies, logRotate, logSetPolicy };

export const logTools = [logRotate, logSetPolicy, logPolicies];

/** ToolHost.logs: policies in the working database; aiOS's own log is capped by its policy from now on. */
export const logHost: HostProvider = ({ env, working }) => {
  const logs = new LogRotation(env, new LogPolicyStore(working));
  logs.applyOwnCap();
  return { host: { logs }, stop: () => logs.close() };
};
