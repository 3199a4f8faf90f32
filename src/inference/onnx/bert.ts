/**
 * A tiny random-weight model in the BERT layout, as optimum exports it:
 * inputs input_ids / attention_mask / token_type_ids, output
 * last_hidden_state (feature extraction) or logits (sequence classification).
 * One encoder layer with masked single-head self-attention and a feed-forward
 * block: small, but the output of each token depends on the whole sentence
 * and padding is masked, as in the real thing.
 */
import { DT, GraphBuilder } from "./builder";

export interface BertShape {
  vocabSize: number;
  hidden: number;
  maxPositions: number;
  /** When set, a classification head with this many labels replaces last_hidden_state. */
  labels?: number;
  seed: number;
}

export function tinyBertOnnx(s: BertShape): Uint8Array {
  const g = new GraphBuilder("tiny-bert", s.seed);
  const dims = ["batch_size", "sequence_length"];
  const ids = g.input("input_ids", DT.INT64, dims);
  const mask = g.input("attention_mask", DT.INT64, dims);
  const types = g.input("token_type_ids", DT.INT64, dims);
  const H = s.hidden;

  // embeddings: word + position + token type, then LayerNorm
  const word = g.op("Gather", [g.weight("embeddings.word_embeddings.weight", [s.vocabSize, H]), ids]);
  const typ = g.op("Gather", [g.weight("embeddings.token_type_embeddings.weight", [2, H]), types]);
  const seqLen = g.op("Gather", [g.op("Shape", [ids]), g.ints([1], [])], { axis: 0 });
  const positions = g.op("Range", [g.ints([0], []), seqLen, g.ints([1], [])]);
  const pos = g.op("Gather", [g.weight("embeddings.position_embeddings.weight", [s.maxPositions, H]), positions]);
  let x = g.layerNorm(g.op("Add", [g.op("Add", [word, typ]), pos]), "embeddings.LayerNorm", H);

  // self-attention; padding gets a -10000 bias, as in BertModel's extended attention mask
  const q = g.linear(x, g.weight("layer.0.attention.query.weight", [H, H]), g.weight("layer.0.attention.query.bias", [H], 0, 0));
  const k = g.linear(x, g.weight("layer.0.attention.key.weight", [H, H]), g.weight("layer.0.attention.key.bias", [H], 0, 0));
  const v = g.linear(x, g.weight("layer.0.attention.value.weight", [H, H]), g.weight("layer.0.attention.value.bias", [H], 0, 0));
  const scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k], { perm: [0, 2, 1] })]), g.floats([1 / Math.sqrt(H)], [])]);
  const maskF = g.op("Unsqueeze", [g.op("Cast", [mask], { to: DT.FLOAT }), g.ints([1])]);
  const bias = g.op("Mul", [g.op("Sub", [maskF, g.floats([1], [])]), g.floats([10000], [])]);
  const probs = g.op("Softmax", [g.op("Add", [scores, bias])], { axis: -1 });
  const attn = g.linear(g.op("MatMul", [probs, v]), g.weight("layer.0.attention.output.weight", [H, H]), g.weight("layer.0.attention.output.bias", [H], 0, 0));
  x = g.layerNorm(g.op("Add", [x, attn]), "layer.0.attention.output.LayerNorm", H);

  // feed-forward
  const up = g.op("Relu", [g.linear(x, g.weight("layer.0.intermediate.weight", [H, 4 * H]), g.weight("layer.0.intermediate.bias", [4 * H], 0, 0))]);
  const down = g.linear(up, g.weight("layer.0.output.weight", [4 * H, H]), g.weight("layer.0.output.bias", [H], 0, 0));

  const hidden = g.layerNorm(g.op("Add", [x, down]), "layer.0.output.LayerNorm", H);
  if (s.labels) {
    const cls = g.op("Gather", [hidden, g.ints([0], [])], { axis: 1 });
    const pooled = g.op("Tanh", [g.linear(cls, g.weight("pooler.dense.weight", [H, H], 0.2), g.weight("pooler.dense.bias", [H], 0, 0))]);
    const logits = g.linear(pooled, g.weight("classifier.weight", [H, s.labels], 0.5), g.weight("classifier.bias", [s.labels], 0, 0));
    g.op("Identity", [logits], {}, "logits");
    g.output("logits", DT.FLOAT, ["batch_size", s.labels]);
  } else {
    g.op("Identity", [hidden], {}, "last_hidden_state");
    g.output("last_hidden_state", DT.FLOAT, ["batch_size", "sequence_length", H]);
  }
  return g.encode();
}
