import { InferenceError } from "../errors";

/**
 * A constraint that cannot be compiled as asked: a malformed schema, one too
 * large, or (for strict requests) a keyword the grammar would not enforce.
 * `field` names where, relative to the request's schema or tools.
 */
export class GrammarError extends InferenceError {
  constructor(message: string, readonly field: string, cause?: unknown) {
    super("bad_grammar", message, { cause });
  }
}
