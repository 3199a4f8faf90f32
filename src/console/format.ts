/** The console prints with sys/text.ts (shared with the fleet client and the CLI, which sit in other layers). */
export { duration, mib, table } from "../sys/text";
