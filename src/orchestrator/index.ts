/** The AI orchestrator: goal engine, planner chain, agent router, decision logger and the autonomy loop. */
export { memoryStores, toolPorts } from "./adapters";
export { AutonomyLoop, isDue, type AutonomyOptions, type AutonomyStatus, type LoopAgents, type TickReport } from "./autonomy";
export { planWithChain, whyUnplanned, type ChainResult, type ChainStep } from "./chain";
export { GoalEngine, GOAL_ERROR_CODES, GoalError, type Autonomy, type GoalErrorCode, type EngineOptions, type GoalSubmission } from "./engine";
export { gatewayPhraser, keepsFigures, localPhraser, phraseAnswer, type AnswerPhraser } from "./phrase";
export { PlanSchema, topologicalOrder, type Plan, type TaskPlan, type ToolCallPlan } from "./plan";
export { gatewayPlanner, gatewayStepper } from "./planners/gateway";
export { decisionSchema, localPlanner, localStepper, type LocalGenerator } from "./planners/local";
export { memoryPlanner, normalizeGoal, type StoredProcedure } from "./planners/memory";
export type { EngineStores, EngineTools } from "./ports";
export { routeTask, RoutingError, type RoutableAgent, type Route } from "./router";
export { runSchedule, type ScheduleResult, type TaskOutcome } from "./schedule";
export type { AnyPlanner, Decision, LoopStart, ModelPlanner, Observation, Planner, PlannerResult, PlanningContext, PlanningFacts, Reading, StepContext, Stepper, Turn } from "./types";
export { checkPlan } from "./validate";
export { autonomyFloor, catalogueGuard, guardedCatalogue, vetCall, type Guard } from "./guard";
export { LoopStop, observe, runLoop, type LoopBounds, type LoopEnd, type LoopPorts } from "./loop";
export { GoalRun, isTransient, type RunLimits } from "./run";
export { ACTIVE_GOAL_STATES, FINAL_GOAL_STATES, GOAL_MACHINE, goalTarget, isFinalGoalState, type GoalEvent, type GoalState } from "../memory";
