/**
 * The decoding loop for causal LMs: one forward pass per token on
 * transformers.js's model (its own input preparation and KV cache, exactly as
 * its generate() does), then the grammar's mask, then the sampler. Our own
 * loop rather than generate() because generate() has no place for an
 * asynchronous mask (XGrammar's), samples from an unseeded Math.random, and
 * ignores top_p; everything here is per request and stops between two tokens
 * when asked to.
 */
import type { Sampler } from "./sampling";
import type { TokenMask } from "./grammar/xgrammar";

/** The slice of a transformers.js PreTrainedModel the loop drives. */
export interface CausalLm {
  forward(inputs: Record<string, unknown>): Promise<{ logits: LogitsTensor } & Record<string, unknown>>;
  prepare_inputs_for_generation(ids: bigint[][], inputs: Record<string, unknown>, config: unknown): Record<string, unknown>;
  _update_model_kwargs_for_generation(a: { generated_input_ids: bigint[][]; outputs: unknown; model_inputs: Record<string, unknown>; is_encoder_decoder: boolean }): Record<string, unknown>;
  generation_config?: unknown;
}

interface LogitsTensor {
  dims: number[];
  type: string;
  data: ArrayLike<number>;
  slice(...a: unknown[]): LogitsTensor;
  to(type: string): LogitsTensor;
}

export interface DecodeOptions {
  /** The prompt as the tokenizer returned it (input_ids, attention_mask tensors). */
  inputs: Record<string, unknown>;
  promptIds: bigint[];
  maxTokens: number;
  sampler: Sampler;
  /** Changes the logits before the mask (penalties, logit_bias). */
  adjust?: (logits: Float32Array, generated: readonly number[]) => void;
  mask?: TokenMask;
  eos: ReadonlySet<number>;
  signal: AbortSignal;
  /** Each chosen token, stop tokens included; return true to stop after it. */
  onToken(id: number): boolean | void;
}

export type DecodeEnd = "eos" | "length" | "grammar" | "stopped" | "aborted";

export interface DecodeResult {
  tokens: number[];
  end: DecodeEnd;
  /** Time in forward passes, masks and sampling (ms), for benchmarks. */
  forwardMs: number;
  sampleMs: number;
}

/** The last position's logits as a writable float32 row. */
function lastRow(logits: LogitsTensor): Float32Array {
  const t = logits.type === "float32" ? logits : logits.slice(null, -1, null).to("float32");
  const data = t.data as Float32Array;
  const width = t.dims.at(-1)!;
  return data.subarray(data.length - width);
}

async function checked(answer: Promise<boolean>, token: number): Promise<void> {
  if (!(await answer)) throw new Error(`grammar: token ${token} was allowed by the mask and refused by the matcher`);
}

export async function decode(model: CausalLm, o: DecodeOptions): Promise<DecodeResult> {
  const all = [o.promptIds.slice()];
  const tokens: number[] = [];
  let inputs: Record<string, unknown> = o.inputs;
  let end: DecodeEnd = "length";
  let forwardMs = 0;
  let sampleMs = 0;
  const config = model.generation_config ?? {};
  /** The matcher's answer to the last token, left to the next apply() (or to the end). */
  let answer: Promise<boolean> | undefined;
  try {
    while (tokens.length < o.maxTokens) {
      if (o.signal.aborted) {
        end = "aborted";
        break;
      }
      let t = performance.now();
      inputs = model.prepare_inputs_for_generation(all, inputs, config);
      const outputs = await model.forward(inputs);
      const logits = lastRow(outputs.logits);
      forwardMs += performance.now() - t;
      t = performance.now();
      o.adjust?.(logits, tokens);
      // Waits, if at all, for the rest of the last token's answer: the worker computed its mask during the forward pass.
      // A sparse mask comes as the allowed ids: the sampler reads those logits alone.
      const only = o.mask ? await o.mask.narrow(logits) : undefined;
      const token = o.sampler(logits, only);
      if (token < 0) {
        sampleMs += performance.now() - t;
        // Every token masked: the grammar has nowhere to go (it never should).
        end = "grammar";
        break;
      }
      if (o.mask) {
        // The matcher's answer comes with the next mask; the loop waits for it only when the token may end the grammar.
        answer = o.mask.accept(token);
        if (o.mask.mayEnd(token)) {
          await checked(answer, token);
          answer = undefined;
        }
      }
      sampleMs += performance.now() - t;
      tokens.push(token);
      all[0]!.push(BigInt(token));
      const stop = o.onToken(token);
      if (o.mask?.terminated) {
        end = "grammar";
        break;
      }
      if (o.eos.has(token) && !o.mask) {
        end = "eos";
        break;
      }
      if (stop) {
        end = "stopped";
        break;
      }
      inputs = model._update_model_kwargs_for_generation({ generated_input_ids: [[BigInt(token)]], outputs, model_inputs: inputs, is_encoder_decoder: false });
    }
    // The last token's answer, when no apply() came after it.
    if (answer) await checked(answer, tokens.at(-1)!);
  } finally {
    const cache = inputs.past_key_values as { dispose?: () => Promise<void> } | undefined;
    await cache?.dispose?.();
  }
  return { tokens, end, forwardMs, sampleMs };
}
