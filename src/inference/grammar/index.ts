/**
 * Constrained decoding: JSON Schemas and tool-call formats compiled by
 * XGrammar into per-token masks over a model's vocabulary.
 */
export { GrammarError } from "./errors";
export { prepareSchema, LIMITS as GRAMMAR_LIMITS, type JsonSchema, type PreparedSchema } from "./schema";
export { schemaPattern, MAX_REPEAT } from "./pattern";
export { GrammarCache, TokenMask, vocabInfo, xgrammarLoadMs, type CompiledGrammar, type VocabInfo } from "./xgrammar";
export { compileConstraint, activeTools } from "./constraint";
