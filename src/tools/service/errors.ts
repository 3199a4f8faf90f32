/** Why a service operation was refused or failed; the message names the service. */
import { ToolError } from "../errors";

export class ServiceError extends ToolError {
  readonly service: string;
  constructor(code: string, service: string, reason: string, options?: { cause?: unknown }) {
    super(code, `service ${service}: ${reason}`, options);
    this.service = service;
  }
}
