/**
 * Authority never transfers (issue 11). Every call runs as an agent, whose
 * capabilities are checked; a call set in motion by something stored earlier
 * (a scheduled job, a goal, a held call) also names its principal,
 * `onBehalfOf`: the agent that created that thing, or a person. A call then
 * has at most the rights of both, so an agent cannot reach through a job or
 * a goal for rights it does not hold.
 *
 * Principals are agent names, or `person:<via>` for people, who hold every
 * right: `person:api` (the API token), `person:console` (the serial REPL),
 * `person:config` (config.toml, written by the administrator). The colon
 * cannot occur in an agent name, so one can never pass for the other.
 */
import type { Capabilities } from "./capabilities";

const PERSON = "person:";

export const PERSON_API = "person:api";
export const PERSON_CONSOLE = "person:console";
export const PERSON_CONFIG = "person:config";

export function person(via: string): string {
  return `${PERSON}${via}`;
}

export function isPerson(principal: string): boolean {
  return principal.startsWith(PERSON);
}

/** The agent whose rights also bound a call, if any (a person bounds nothing; the agent itself adds nothing). */
export function boundingAgent(agent: string, onBehalfOf: string | undefined): string | undefined {
  return onBehalfOf === undefined || isPerson(onBehalfOf) || onBehalfOf === agent ? undefined : onBehalfOf;
}

/** Who lacks the capability for this call: the agent, the agent it acts for, or nobody (undefined). */
export function lacking(capabilities: Capabilities, tool: string, agent: string, onBehalfOf?: string): string | undefined {
  if (!capabilities.allows(agent, tool)) return agent;
  const bound = boundingAgent(agent, onBehalfOf);
  if (bound !== undefined && !capabilities.allows(bound, tool)) return bound;
  return undefined;
}
