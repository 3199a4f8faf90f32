/**
 * The hand-written protobuf is checked by the real parser: onnxruntime loads
 * each generated model and runs it. The GPT-2 graph is checked for what makes
 * it a KV-cache model: step-by-step decoding with present → past gives the
 * same logits as one pass over the whole sequence.
 */
import { describe, expect, test } from "bun:test";
import * as ort from "onnxruntime-node";
import { tinyBertOnnx } from "./bert";
import { GraphBuilder, DT } from "./builder";
import { tinyGpt2Onnx } from "./gpt2";
import { byteLevelBpeTokenizer, byteToUnicode, learnMerges, wordPieceTokenizer } from "./tokenizers";

const ids = (values: number[][]) => new ort.Tensor("int64", BigInt64Array.from(values.flat().map(BigInt)), [values.length, values[0]!.length]);

describe("protobuf writer", () => {
  test("negative int attributes, float attributes and int64 initializers survive onnxruntime's parser", async () => {
    const g = new GraphBuilder("t", 1);
    const x = g.input("x", DT.FLOAT, ["n", 3]);
    const y = g.op("Softmax", [g.op("Mul", [x, g.floats([2], [])])], { axis: -1 });
    const shifted = g.op("LeakyRelu", [y], { alpha: { float: 0.5 } });
    g.op("Reshape", [shifted, g.ints([-1])], {}, "flat");
    g.output("flat", DT.FLOAT, ["m"]);
    const session = await ort.InferenceSession.create(g.encode());
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([0, 0, Math.log(2) / 2, 1, 1, 1]), [2, 3]) });
    const flat = Array.from(out.flat!.data as Float32Array);
    expect(flat.length).toBe(6);
    expect(flat[2]! / flat[0]!).toBeCloseTo(2, 5);
    expect(flat[3]).toBeCloseTo(1 / 3, 5);
  });
});

describe("tiny BERT", () => {
  const { vocabSize } = wordPieceTokenizer(64);
  const bytes = tinyBertOnnx({ vocabSize, hidden: 16, maxPositions: 64, seed: 7 });

  test("has BERT's inputs and last_hidden_state of [batch, seq, hidden]", async () => {
    const s = await ort.InferenceSession.create(bytes);
    expect([...s.inputNames]).toEqual(["input_ids", "attention_mask", "token_type_ids"]);
    expect([...s.outputNames]).toEqual(["last_hidden_state"]);
    const out = await s.run({ input_ids: ids([[2, 40, 41, 3]]), attention_mask: ids([[1, 1, 1, 1]]), token_type_ids: ids([[0, 0, 0, 0]]) });
    expect(out.last_hidden_state!.dims).toEqual([1, 4, 16]);
  });

  test("padding is masked: a padded sentence gives the same vectors as alone", async () => {
    const s = await ort.InferenceSession.create(bytes);
    const alone = await s.run({ input_ids: ids([[2, 40, 3]]), attention_mask: ids([[1, 1, 1]]), token_type_ids: ids([[0, 0, 0]]) });
    const padded = await s.run({ input_ids: ids([[2, 40, 3, 0, 0]]), attention_mask: ids([[1, 1, 1, 0, 0]]), token_type_ids: ids([[0, 0, 0, 0, 0]]) });
    const a = alone.last_hidden_state!.data as Float32Array;
    const p = padded.last_hidden_state!.data as Float32Array;
    for (let i = 0; i < a.length; i++) expect(p[i]).toBeCloseTo(a[i]!, 4);
  });

  test("the classifier head gives logits of [batch, labels]", async () => {
    const s = await ort.InferenceSession.create(tinyBertOnnx({ vocabSize, hidden: 16, maxPositions: 64, labels: 3, seed: 7 }));
    const out = await s.run({ input_ids: ids([[2, 40, 3], [2, 41, 3]]), attention_mask: ids([[1, 1, 1], [1, 1, 1]]), token_type_ids: ids([[0, 0, 0], [0, 0, 0]]) });
    expect(out.logits!.dims).toEqual([2, 3]);
  });
});

describe("tiny GPT-2", () => {
  const shape = { vocabSize: 300, embed: 16, heads: 2, layers: 2, maxPositions: 64, seed: 3 };
  const D = shape.embed / shape.heads;
  const emptyPast = () => {
    const feeds: Record<string, ort.Tensor> = {};
    for (let l = 0; l < shape.layers; l++) {
      for (const kv of ["key", "value"]) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor("float32", new Float32Array(0), [1, shape.heads, 0, D]);
    }
    return feeds;
  };

  test("declares the optimum 'with past' inputs and outputs", async () => {
    const s = await ort.InferenceSession.create(tinyGpt2Onnx(shape));
    expect([...s.inputNames]).toEqual(["input_ids", "attention_mask", "position_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"]);
    expect([...s.outputNames].sort()).toEqual(["logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value"]);
  });

  test("decoding with the KV cache matches one pass over the whole sequence", async () => {
    const s = await ort.InferenceSession.create(tinyGpt2Onnx(shape));
    const tokens = [5, 17, 42, 99, 7];
    const full = await s.run({ input_ids: ids([tokens]), attention_mask: ids([tokens.map(() => 1)]), position_ids: ids([tokens.map((_, i) => i)]), ...emptyPast() });
    const V = shape.vocabSize;
    const fullLogits = full.logits!.data as Float32Array;

    let past = emptyPast();
    const prefix = 2;
    let out = await s.run({ input_ids: ids([tokens.slice(0, prefix)]), attention_mask: ids([[1, 1]]), position_ids: ids([[0, 1]]), ...past });
    for (let t = prefix; t < tokens.length; t++) {
      past = {};
      for (let l = 0; l < shape.layers; l++) for (const kv of ["key", "value"]) past[`past_key_values.${l}.${kv}`] = out[`present.${l}.${kv}`]!;
      expect(past["past_key_values.0.key"]!.dims).toEqual([1, shape.heads, t, D]);
      out = await s.run({ input_ids: ids([[tokens[t]!]]), attention_mask: ids([tokens.slice(0, t + 1).map(() => 1)]), position_ids: ids([[t]]), ...past });
      const step = out.logits!.data as Float32Array;
      const expected = fullLogits.subarray(t * V, (t + 1) * V);
      for (let i = 0; i < V; i += 17) expect(step[i]).toBeCloseTo(expected[i]!, 3);
    }
  });

  test("left padding does not change the logits of the real tokens", async () => {
    const s = await ort.InferenceSession.create(tinyGpt2Onnx(shape));
    const plain = await s.run({ input_ids: ids([[5, 17]]), attention_mask: ids([[1, 1]]), position_ids: ids([[0, 1]]), ...emptyPast() });
    const padded = await s.run({ input_ids: ids([[0, 5, 17]]), attention_mask: ids([[0, 1, 1]]), position_ids: ids([[1, 0, 1]]), ...emptyPast() });
    const V = shape.vocabSize;
    const a = (plain.logits!.data as Float32Array).subarray(V, 2 * V);
    const b = (padded.logits!.data as Float32Array).subarray(2 * V, 3 * V);
    for (let i = 0; i < V; i += 13) expect(b[i]).toBeCloseTo(a[i]!, 3);
  });
});

describe("tokenizer files", () => {
  test("bytes_to_unicode is GPT-2's: printable bytes map to themselves, space to Ġ", () => {
    const m = byteToUnicode();
    expect(m[65]).toBe("A");
    expect(m[32]).toBe("Ġ");
    expect(m[10]).toBe("Ċ");
    expect(new Set(m).size).toBe(256);
  });

  test("BPE merges are learned most-frequent-first and reproducibly", () => {
    // t·h and h·e both occur 4 times: ties go to the first in sort order; then Ġ·t (3).
    const merges = learnMerges("the the the then", 3);
    expect(merges).toEqual([["h", "e"], ["t", "he"], ["Ġ", "the"]]);
    expect(learnMerges("the the the then", 3)).toEqual(merges);
  });

  test("vocabularies are consistent with their ids", () => {
    const wp = wordPieceTokenizer(64);
    const vocab = (wp.files["tokenizer.json"] as any).model.vocab as Record<string, number>;
    expect(Object.keys(vocab).length).toBe(wp.vocabSize);
    expect(vocab["[CLS]"]).toBe(2);
    const bpe = byteLevelBpeTokenizer(64, 16, true);
    const bv = (bpe.files["tokenizer.json"] as any).model.vocab as Record<string, number>;
    expect(bv["<|endoftext|>"]).toBe(bpe.eos);
    expect(Math.max(...Object.values(bv))).toBe(bpe.vocabSize - 1);
  });
});
