export { ctl, usage as ctlUsage, VERBS, type CtlOptions } from "./ctl";
export { EXIT } from "./errors";
