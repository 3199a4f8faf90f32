/** Errors of the memory tiers (MigrationError lives with the migrations in db.ts). */
import { AiosError } from "../sys";

/** not_found: no such goal, task or document; invalid_argument: a bad argument (the message names the field first). */
export const MEMORY_ERROR_CODES = ["not_found", "invalid_argument"] as const;
export type MemoryErrorCode = (typeof MEMORY_ERROR_CODES)[number];

export class MemoryError extends AiosError<MemoryErrorCode> {}

/** A state change the transition table does not allow; the message names the object and both states. */
export class TransitionError extends AiosError<"invalid_transition"> {
  constructor(
    readonly what: string,
    readonly from: string,
    readonly to: string,
  ) {
    super("invalid_transition", `${what}: ${from} → ${to} is not allowed`);
  }
}
