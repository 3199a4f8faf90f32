/** Why a log tool refused or failed: `log.rotate /var/log/x.log: no such file`. */
import { ToolError } from "../errors";

export class LogError extends ToolError {
  constructor(code: string, tool: string, what: string, reason: string, options?: { cause?: unknown }) {
    super(code, `${tool} ${what}: ${reason}`, options);
  }
}
