/** What the monitor tools share. */
import { ToolError } from "../errors";

/** Why a monitor tool failed: `monitor.logs nginx: no such log (have: aios, service:web)`. */
export class MonitorError extends ToolError {
  constructor(code: string, tool: string, target: string, reason: string, options?: { cause?: unknown }) {
    super(code, `${tool} ${target}: ${reason}`, options);
  }
}

export { intArg } from "../args";
export { sleep } from "../bounded";
