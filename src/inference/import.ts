/**
 * `models import`: adds a model folder in the usual Hugging Face ONNX layout
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx or
 * onnx/model_quantized.onnx) to a models directory. The folder is copied to a
 * hidden staging folder, described by a manifest (task from the
 * architecture, limits from config.json, sha256 of every file), loaded and run
 * once through the real engine, and only then renamed into place. A folder
 * holding a single .onnx file and no config.json is imported as a bare
 * `tensor` model.
 */
import { createHash } from "node:crypto";
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { errorMessage, renameDurable, syncTree } from "../sys";
import { ManifestError, ModelLoadError } from "./errors";
import { DTYPE_SUFFIX, filesSize, MANIFEST_FILE, MODEL_NAME, parseManifest, TASKS, type Dtype, type Manifest, type ManifestInput, type Task, type Tier } from "./manifest";
import { preloadOrt } from "./native";
import type { LoadedModel } from "./types";

export interface ImportOptions {
  /** Defaults to the folder's name, lower-cased. */
  name?: string;
  task?: Task;
  tier?: Tier;
  /** Which onnx/model*.onnx to use; default fp32 when present, else q8. */
  dtype?: Dtype;
  description?: string;
  source?: string;
  /** Random-weight test model. */
  test?: boolean;
  /** Replace an imported model of the same name. */
  replace?: boolean;
  threads?: number;
  /** For the compiled binary: where lib/libonnxruntime.so.1 is. */
  runtimeDir?: string;
}

export interface ImportResult {
  manifest: Manifest;
  dir: string;
  /** Load plus one inference, ms. */
  checkMs: number;
  /** What the check produced, for the log line. */
  check: string;
}

/** HF folders may spell either; only these files are copied (no .safetensors, no README images). */
const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json", "chat_template.jinja", "preprocessor_config.json"];

function readJson(path: string): any {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ManifestError(path, existsSync(path) ? `not valid JSON: ${errorMessage(err)}` : "missing");
  }
}

export function taskOf(config: any): Task | undefined {
  const arch = String(config.architectures?.[0] ?? "");
  if (/(ForCausalLM|LMHeadModel)$/.test(arch)) return "generate";
  if (/ForSequenceClassification$/.test(arch)) return "classify";
  if (/(Model|ForMaskedLM)$/.test(arch) || ["bert", "roberta", "xlm-roberta", "mpnet", "distilbert", "nomic_bert", "modernbert"].includes(config.model_type)) return "embed";
  return undefined;
}

function sanitize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 64);
}

function pickDtype(src: string, wanted?: Dtype): Dtype {
  const has = (d: Dtype) => existsSync(join(src, "onnx", `model${DTYPE_SUFFIX[d]}.onnx`));
  if (wanted) {
    if (!has(wanted)) throw new ManifestError(src, `onnx/model${DTYPE_SUFFIX[wanted]}.onnx: missing (asked for dtype ${wanted})`, "dtype");
    return wanted;
  }
  for (const d of ["fp32", "q8"] as Dtype[]) if (has(d)) return d;
  const found = existsSync(join(src, "onnx")) ? readdirSync(join(src, "onnx")).filter((f) => f.endsWith(".onnx")) : [];
  throw new ManifestError(src, `onnx/model.onnx or onnx/model_quantized.onnx: missing${found.length ? ` (found ${found.join(", ")}: pass a dtype)` : ""}`, "files");
}

const MIB = 1024 * 1024;
/** Weights once in memory plus onnxruntime's arenas and the tokenizer: a rough, deliberately generous estimate. */
function estimateMb(bytes: number): number {
  return Math.ceil((bytes * 1.5) / MIB) + 8;
}

/** Builds the manifest of a folder in HF layout without copying anything. */
export function describeFolder(src: string, opts: ImportOptions = {}): ManifestInput {
  const name = opts.name ?? sanitize(basename(resolve(src)));
  if (!MODEL_NAME.test(name)) throw new ManifestError(src, `name: ${JSON.stringify(name)} must be lower-case letters, digits, '.', '_' or '-' (pass --name)`, "name");
  const common = { name, tier: opts.tier ?? "tactical", description: opts.description ?? "", source: opts.source ?? resolve(src), test: opts.test ?? false };

  if (!existsSync(join(src, "config.json"))) {
    const onnx = [...readdirSync(src).filter((f) => f.endsWith(".onnx")), ...(existsSync(join(src, "onnx")) ? readdirSync(join(src, "onnx")).filter((f) => f.endsWith(".onnx")).map((f) => `onnx/${f}`) : [])];
    // Tokenizer files say "Hugging Face layout, config.json lost", not "bare graph".
    const hfLayout = ["tokenizer.json", "tokenizer_config.json"].some((f) => existsSync(join(src, f)));
    if (onnx.length !== 1 || hfLayout || (opts.task && opts.task !== "tensor")) {
      throw new ManifestError(src, "config.json: missing (a Hugging Face ONNX folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx)", "files");
    }
    return { ...common, task: "tensor", onnx: onnx[0]!, files: [onnx[0]!], memory_mb: estimateMb(statSync(join(src, onnx[0]!)).size) };
  }

  const config = readJson(join(src, "config.json"));
  const task = opts.task ?? taskOf(config);
  if (!task || !TASKS.includes(task)) {
    throw new ManifestError(src, `task: cannot tell from architectures ${JSON.stringify(config.architectures ?? [])}; pass --task embed|generate|classify`, "task");
  }
  for (const f of ["tokenizer.json", "tokenizer_config.json"]) readJson(join(src, f));
  const tokConfig = readJson(join(src, "tokenizer_config.json"));
  const dtype = pickDtype(src, opts.dtype);
  const onnx = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
  const external = readdirSync(join(src, "onnx")).filter((f) => f.startsWith(`model${DTYPE_SUFFIX[dtype]}.onnx_data`)).map((f) => `onnx/${f}`);
  const files = ["config.json", ...TOKENIZER_FILES.filter((f) => existsSync(join(src, f))), onnx, ...external];
  const maxLen = Number(tokConfig.model_max_length);
  const context = config.max_position_embeddings ?? config.n_positions ?? (maxLen > 0 && maxLen < 1e7 ? maxLen : undefined);
  const dims = task === "embed" ? (config.hidden_size ?? config.n_embd ?? config.d_model) : undefined;
  return {
    ...common, task, dtype, files,
    limits: { ...(context ? { context } : {}), ...(dims ? { dims } : {}) },
    memory_mb: estimateMb(filesSize(src, [onnx, ...external])),
  };
}

/** Streams the file: model weights can be larger than a Buffer may be. */
function sha256(path: string): string {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** Loads the staged model through the engine and runs it once; returns a line saying what came out. */
async function check(dir: string, m: Manifest, opts: ImportOptions): Promise<string> {
  if (opts.runtimeDir) await preloadOrt(opts.runtimeDir);
  const engine = (await import("./engine-client")).startEngine();
  let model: LoadedModel | undefined;
  try {
    model = await engine.loadModel(dir, m, { threads: opts.threads ?? 0 });
    switch (m.task) {
      case "embed": {
        const r = await model.embed(["aiOS checks that this model loads."]);
        const d = r.vectors[0]?.length ?? 0;
        if (m.limits.dims && d !== m.limits.dims) throw new Error(`embedding has ${d} dimensions, config.json says ${m.limits.dims}`);
        if (!r.vectors[0]!.every(Number.isFinite)) throw new Error("embedding holds NaN or infinity");
        return `embedding of ${d} dimensions`;
      }
      case "classify": {
        const r = await model.classify(["aiOS checks that this model loads."], 1);
        return `label ${r.labels[0]?.[0]?.label}`;
      }
      case "generate": {
        const r = await model.generate({ prompt: "Hello", maxTokens: 2, temperature: 0 }, { signal: new AbortController().signal });
        return `${r.completionTokens} tokens generated`;
      }
      case "tensor":
        return `inputs ${model.inputNames().join(", ")}`;
    }
    return m.task satisfies never;
  } finally {
    await model?.dispose();
    engine.stop();
  }
}

/** Imports `src` into `modelsDir/<name>` (see the file comment). */
export async function importModel(src: string, modelsDir: string, opts: ImportOptions = {}): Promise<ImportResult> {
  if (!existsSync(src) || !statSync(src).isDirectory()) throw new ManifestError(src, "not a folder", "path");
  const draft = describeFolder(src, opts);
  const target = join(modelsDir, draft.name);
  if (existsSync(target) && !opts.replace) throw new ManifestError(target, "already exists (pass --replace to overwrite it)", "name");
  const staging = join(modelsDir, `.import-${draft.name}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const f of draft.files) {
      mkdirSync(dirname(join(staging, f)), { recursive: true });
      copyFileSync(join(src, f), join(staging, f));
    }
    const sums = Object.fromEntries(draft.files.map((f) => [f, sha256(join(staging, f))]));
    const manifest = parseManifest({ ...draft, sha256: sums }, join(src, MANIFEST_FILE));
    writeFileSync(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    const started = performance.now();
    let outcome: string;
    try {
      outcome = await check(staging, manifest, opts);
    } catch (err) {
      throw new ModelLoadError(manifest.name, err);
    }
    const checkMs = Math.round(performance.now() - started);
    // The whole model on disk before it takes the name the config points at; the rename on disk before the answer.
    syncTree(staging);
    rmSync(target, { recursive: true, force: true });
    renameDurable(staging, target);
    return { manifest, dir: target, checkMs, check: outcome };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
