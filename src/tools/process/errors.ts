/** Why a process tool refused: the message names the pid or the program. */
import { ToolError } from "../errors";

export class ProcessError extends ToolError {
  constructor(code: string, tool: string, what: string | number, reason: string, options?: { cause?: unknown }) {
    super(code, `${tool} ${what}: ${reason}`, options);
  }
}
