/**
 * A tiny random-weight causal LM in the GPT-2 layout, as optimum exports it
 * "with past": inputs input_ids, attention_mask, position_ids and
 * past_key_values.N.key/value ([batch, heads, past, head_dim]); outputs logits
 * and present.N.key/value (the past with this step's keys and values
 * appended). transformers.js feeds the presents back as the next step's
 * pasts, so generation really runs on a KV cache. Pre-LayerNorm blocks, causal
 * and padding masks, ReLU MLP (Gelu needs opset 20).
 */
import { DT, GraphBuilder } from "./builder";

export interface Gpt2Shape {
  vocabSize: number;
  embed: number;
  heads: number;
  layers: number;
  maxPositions: number;
  seed: number;
}

export function tinyGpt2Onnx(s: Gpt2Shape): Uint8Array {
  const g = new GraphBuilder("tiny-gpt2", s.seed);
  const E = s.embed;
  const H = s.heads;
  const D = E / H;
  if (!Number.isInteger(D)) throw new Error(`tiny gpt2: embed ${E} is not a multiple of heads ${H}`);
  const ids = g.input("input_ids", DT.INT64, ["batch_size", "sequence_length"]);
  const mask = g.input("attention_mask", DT.INT64, ["batch_size", "total_sequence_length"]);
  const positionIds = g.input("position_ids", DT.INT64, ["batch_size", "sequence_length"]);
  const pastShape = ["batch_size", H, "past_sequence_length", D];
  const presentShape = ["batch_size", H, "total_sequence_length", D];

  let x = g.op("Add", [
    g.op("Gather", [g.weight("transformer.wte.weight", [s.vocabSize, E], 0.5), ids]),
    g.op("Gather", [g.weight("transformer.wpe.weight", [s.maxPositions, E], 0.1), positionIds]),
  ]);

  // Mask shared by all layers: query i (of s new tokens) sees key j (of T) iff j <= i + T - s and j is not padding.
  const one = g.ints([1]);
  const s1 = g.op("Gather", [g.op("Shape", [ids]), one], { axis: 0 });
  const t1 = g.op("Gather", [g.op("Shape", [mask]), one], { axis: 0 });
  const ones = g.op("ConstantOfShape", [g.op("Concat", [s1, t1], { axis: 0 })], { value: { name: "one", type: DT.FLOAT, dims: [1], raw: new Uint8Array(Float32Array.of(1).buffer) } });
  const diagonal = g.op("Squeeze", [g.op("Sub", [t1, s1]), g.ints([0])]);
  const causal = g.op("Trilu", [ones, diagonal], { upper: 0 });
  const padding = g.op("Unsqueeze", [g.op("Cast", [mask], { to: DT.FLOAT }), g.ints([1, 2])]);
  const bias = g.op("Mul", [g.op("Sub", [g.op("Mul", [causal, padding]), g.floats([1], [])]), g.floats([10000], [])]);

  const heads = (t: string) => g.op("Transpose", [g.op("Reshape", [t, g.ints([0, 0, H, D])])], { perm: [0, 2, 1, 3] });
  for (let l = 0; l < s.layers; l++) {
    const p = `transformer.h.${l}`;
    const h = g.layerNorm(x, `${p}.ln_1`, E);
    const q = heads(g.linear(h, g.weight(`${p}.attn.q.weight`, [E, E]), g.weight(`${p}.attn.q.bias`, [E], 0, 0)));
    const k = heads(g.linear(h, g.weight(`${p}.attn.k.weight`, [E, E]), g.weight(`${p}.attn.k.bias`, [E], 0, 0)));
    const v = heads(g.linear(h, g.weight(`${p}.attn.v.weight`, [E, E]), g.weight(`${p}.attn.v.bias`, [E], 0, 0)));
    const key = g.op("Concat", [g.input(`past_key_values.${l}.key`, DT.FLOAT, pastShape), k], { axis: 2 }, `present.${l}.key`);
    const value = g.op("Concat", [g.input(`past_key_values.${l}.value`, DT.FLOAT, pastShape), v], { axis: 2 }, `present.${l}.value`);
    g.output(key, DT.FLOAT, presentShape);
    g.output(value, DT.FLOAT, presentShape);

    const scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [key], { perm: [0, 1, 3, 2] })]), g.floats([1 / Math.sqrt(D)], [])]);
    const probs = g.op("Softmax", [g.op("Add", [scores, bias])], { axis: -1 });
    const merged = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, value])], { perm: [0, 2, 1, 3] }), g.ints([0, 0, E])]);
    x = g.op("Add", [x, g.linear(merged, g.weight(`${p}.attn.c_proj.weight`, [E, E]), g.weight(`${p}.attn.c_proj.bias`, [E], 0, 0))]);

    const up = g.op("Relu", [g.linear(g.layerNorm(x, `${p}.ln_2`, E), g.weight(`${p}.mlp.c_fc.weight`, [E, 4 * E]), g.weight(`${p}.mlp.c_fc.bias`, [4 * E], 0, 0))]);
    x = g.op("Add", [x, g.linear(up, g.weight(`${p}.mlp.c_proj.weight`, [4 * E, E], 0.1), g.weight(`${p}.mlp.c_proj.bias`, [E], 0, 0))]);
  }

  const logits = g.op("MatMul", [g.layerNorm(x, "transformer.ln_f", E), g.weight("lm_head.weight", [E, s.vocabSize], 0.5)]);
  g.op("Identity", [logits], {}, "logits");
  g.output("logits", DT.FLOAT, ["batch_size", "sequence_length", s.vocabSize]);
  return g.encode();
}
