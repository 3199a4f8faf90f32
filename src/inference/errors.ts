/**
 * What can go wrong in the runtime, as typed errors with stable codes. The
 * API maps them to HTTP statuses (404, 400, 429, 499, 503); messages name the
 * model or the field.
 */
import { AiosError } from "../sys";

export const INFERENCE_ERROR_CODES = [
  "no_model", // not installed
  "wrong_task", // a model of another task
  "bad_manifest",
  "load_failed",
  "over_budget", // models.memory_budget_mb cannot make room
  "not_loaded", // and load_on_demand is false
  "queue_full",
  "cancelled",
  "over_limit", // a request past a configured limit (the field is named)
  "no_runtime", // onnxruntime cannot run here
  "bad_grammar", // a constraint that cannot be compiled
] as const;
export type InferenceErrorCode = (typeof INFERENCE_ERROR_CODES)[number];

export class InferenceError extends AiosError<InferenceErrorCode> {}

/** No model of that name in the registry. */
export class ModelNotFoundError extends InferenceError {
  constructor(readonly model: string, reason = "not installed (GET /v1/models lists the installed ones)") {
    super("no_model", `model ${model}: ${reason}`);
  }
}

/** The model exists but does not do what was asked (embeddings from a text generator...). */
export class TaskMismatchError extends InferenceError {
  constructor(readonly model: string, task: string, wanted: string) {
    super("wrong_task", `model ${model}: is a ${task} model, not ${wanted}`);
  }
}

/** A manifest or model folder that cannot be used; `field` names what is wrong. */
export class ManifestError extends InferenceError {
  constructor(where: string, message: string, readonly field?: string) {
    super("bad_manifest", `${where}: ${message}`);
  }
}

export class ModelLoadError extends InferenceError {
  constructor(readonly model: string, cause: unknown) {
    super("load_failed", `model ${model}: failed to load: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Loading the model would exceed the memory budget even after evicting every idle model. */
export class BudgetError extends InferenceError {
  constructor(readonly model: string, needMb: number, freeMb: number, budgetMb: number) {
    super("over_budget", `model ${model}: needs ~${needMb} MiB, ${freeMb} of the ${budgetMb} MiB model budget can be freed (models.memory_budget_mb)`);
  }
}

/** `load_on_demand = false` for the tier, and the model is not loaded. */
export class NotLoadedError extends InferenceError {
  constructor(readonly model: string, tier: string) {
    super("not_loaded", `model ${model}: not loaded, and models.${tier}.load_on_demand is false`);
  }
}

/** The queue is full; come back after `retryAfterS`. */
export class QueueFullError extends InferenceError {
  constructor(readonly limit: number, readonly retryAfterS: number) {
    super("queue_full", `inference queue: full (${limit} waiting); retry after ${retryAfterS} s`);
  }
}

/** The caller went away (its AbortSignal fired) before or while the job ran. */
export class CancelledError extends InferenceError {
  constructor(what: string) {
    super("cancelled", `${what}: cancelled by the caller`);
  }
}

/** A request the model cannot serve as asked: prompt longer than the context, too many inputs. */
export class LimitError extends InferenceError {
  constructor(message: string, readonly field: string) {
    super("over_limit", message);
  }
}

/** The runtime library could not be found or loaded (not in the image, wrong path). */
export class RuntimeUnavailableError extends InferenceError {
  constructor(message: string, cause?: unknown) {
    super("no_runtime", message, { cause });
  }
}
