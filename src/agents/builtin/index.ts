/** Seed 003's eight agents, in the order `route` tries them for a tool call that names no agent. */
import type { Agent } from "../define";
import { dev } from "./dev";
import { monitor } from "./monitor";
import { network } from "./network";
import { pkg } from "./package";
import { security } from "./security";
import { storage } from "./storage";
import { system } from "./system";
import { task } from "./task";

export const AGENTS: readonly Agent[] = [system, network, security, monitor, pkg, storage, task, dev];

export { dev, monitor, network, pkg, security, storage, system, task };
