import { AiosError } from "../sys";

/**
 * Why an update was refused or failed. `code` is stable (the API returns it);
 * the message names the image or the slot. `status` is the HTTP status the
 * API answers with: 4xx when the image or the request is at fault, 409 when
 * the system is not in a state to take it, 507 when the data disk is too full
 * to stage it, 500 when writing failed.
 */
export const UPDATE_ERRORS = {
  bad_image: 400,
  unsigned: 400,
  bad_signature: 400,
  bad_checksum: 400,
  truncated: 400,
  too_large: 413,
  no_key: 409,
  no_slots: 409,
  busy: 409,
  on_trial: 409,
  no_rollback: 409,
  no_space: 507,
  write_failed: 500,
} as const;
export type UpdateErrorCode = keyof typeof UPDATE_ERRORS;

export class UpdateError extends AiosError<UpdateErrorCode> {
  constructor(code: UpdateErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
  get status(): (typeof UPDATE_ERRORS)[UpdateErrorCode] {
    return UPDATE_ERRORS[this.code];
  }
}
