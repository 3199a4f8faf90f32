/**
 * A tool's one valibot schema, used three ways: to check arguments (the error
 * names the field as `args.<path>`), to check what the tool returned, and as
 * JSON Schema for the API, the REPL's help and model tool definitions.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { issuePath, issueReason } from "../config";
import type { Tool } from "./define";
import { ToolInputError, ToolOutputError } from "./errors";

/** Parses a call's arguments; throws ToolInputError naming `args.<field>` (or `args` for the whole value). */
export function parseArgs<I>(tool: Tool<I>, args: unknown): I {
  const r = v.safeParse(tool.input, args);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = issuePath(issue);
  const field = path ? `args.${path}` : "args";
  throw new ToolInputError(tool.name, field, issueReason(issue));
}

/** Checks a result against the tool's output schema; a mismatch is the tool's bug. */
export function checkOutput<O>(tool: Tool<unknown, O>, result: unknown): O {
  const r = v.safeParse(tool.output, result);
  if (r.success) return r.output;
  const issue = r.issues[0];
  throw new ToolOutputError(tool.name, issuePath(issue) ?? "(root)", issueReason(issue));
}

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (draft-07) of a valibot schema. Checks JSON Schema cannot say
 * (custom `v.check`, transforms) are left out; the executor still enforces them.
 */
export function jsonSchemaOf(schema: v.GenericSchema): JsonSchema {
  return toJsonSchema(schema, { errorMode: "ignore" }) as JsonSchema;
}
