/**
 * Fleet mode over NATS JetStream (docs/fleet.md). This surface loads no NATS
 * client: the node (node.ts) is loaded with a dynamic import by the fleet boot
 * step, and the client library (client.ts) by whoever needs it.
 */
export { FLEET_ERROR_CODES, fleetSettings, FleetError, type FleetErrorCode, type FleetSettings } from "./settings";
export { BUCKETS, goalConsumer, MSG_ID, STREAMS, SUBJECTS } from "./subjects";
export { ANSWER_STATES, matches, resultOf, targetsOf } from "./types";
export type { AnswerState, FleetAnswer, FleetGoalRecord, FleetGoalRequest, FleetGoalResult, FleetPort, NodeStatus, Selector } from "./types";
export { copyHash, verifyCopy, type AuditCopy, type CopyVerdict } from "./verify";
export { formatApprovals, formatAudit, formatFleetGoal, formatNodeReport, formatNodes, render } from "./format";
