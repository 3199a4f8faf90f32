/** Errors of the memory tiers (MigrationError lives with the migrations in db.ts). */
import { AiosError } from "../sys";

/** `code`: ENOTFOUND (no such goal, task or document), EINVAL (a bad argument), ECLOSED (used after close). */
export class MemoryError extends AiosError {}

/** A state change the transition table does not allow; the message names the object and both states. */
export class TransitionError extends AiosError {
  constructor(
    readonly what: string,
    readonly from: string,
    readonly to: string,
  ) {
    super("ETRANSITION", `${what}: ${from} → ${to} is not allowed`);
  }
}
