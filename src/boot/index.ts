import { early } from "./phases/early";
import { fleet } from "./phases/fleet";
import { hardware } from "./phases/hardware";
import { network } from "./phases/network";
import { agents } from "./phases/agents";
import { autonomy } from "./phases/autonomy";
import { runtime } from "./phases/runtime";
import { services } from "./phases/services";
import { storage } from "./phases/storage";
import type { Phase } from "./step";

/** Seed 003's boot sequence, in order. */
export const PHASES: Phase[] = [early, hardware, storage, network, runtime, services, agents, autonomy, fleet];

export { createContext, imageInfo, layout, shutdownTarget, type BootContext, type BootOptions, type LoaderInfo, type Mode, type Paths } from "./context";
export { checkOrder } from "./runner";
export { API_URL } from "./products";
export { failTrialAndReboot } from "./phases/slot";
export { resolveOptions, USAGE, UsageError } from "./options";
export { modelsCommand, modelsUsage } from "./models";
export { runDeferred, runPhases, runPhase } from "./runner";
export { defineStep, definePhase, type Phase, type Step, type PhaseResult, type StepResult } from "./step";
