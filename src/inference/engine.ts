/**
 * The engine: transformers.js pipelines and raw onnxruntime sessions over a
 * model folder. This is the only module that imports @huggingface/transformers
 * and onnxruntime-node, and the runtime imports it lazily (`await import`), so
 * neither the binding nor 1.3 MB of library JavaScript is initialised at boot.
 * Models are loaded from absolute paths with remote access off: nothing here
 * ever touches the network.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { env, LogLevel, pipeline, StoppingCriteria, StoppingCriteriaList, TextStreamer } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import type { Manifest } from "./manifest";
import type {
  ClassifyResult, EmbedResult, EngineOptions, GenerateHooks, GenerateRequest, GenerateResult, LoadedModel, TensorData, TensorType,
} from "./types";

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;
env.useBrowserCache = false;
env.logLevel = LogLevel.ERROR;

const PIPELINE_TASK = { embed: "feature-extraction", generate: "text-generation", classify: "text-classification" } as const;

function sessionOptions(opts: EngineOptions) {
  return {
    ...(opts.threads > 0 ? { intraOpNumThreads: opts.threads } : {}),
    interOpNumThreads: 1,
    graphOptimizationLevel: "all" as const,
  };
}

function unsupported(m: Manifest, what: string): never {
  throw new Error(`model ${m.name}: ${what} is not supported by a ${m.task} model`);
}

/** Stops generate() between two tokens once the caller has gone away. */
class AbortCriterion extends StoppingCriteria {
  constructor(private readonly signal: AbortSignal) {
    super();
  }
  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map(() => this.signal.aborted);
  }
}

/** A transcript for models without a chat template. */
function plainTranscript(messages: NonNullable<GenerateRequest["messages"]>): string {
  return `${messages.map((m) => `${m.role}: ${m.content}`).join("\n")}\nassistant:`;
}

export async function loadModel(dir: string, m: Manifest, opts: EngineOptions): Promise<LoadedModel> {
  if (m.task === "tensor") return loadTensorModel(dir, m, opts);
  const pipe: any = await pipeline(PIPELINE_TASK[m.task], dir, {
    dtype: m.dtype,
    device: "cpu",
    local_files_only: true,
    session_options: sessionOptions(opts),
  } as any);
  const tokenizer = pipe.tokenizer;
  // Newer Hub exports keep the template beside the tokenizer rather than in tokenizer_config.json.
  const templateFile = join(dir, "chat_template.jinja");
  if (!tokenizer.chat_template && existsSync(templateFile)) tokenizer.chat_template = readFileSync(templateFile, "utf8");

  const countTokens = (text: string): number => tokenizer.encode(text).length;
  // Usage counts come from the pipeline's own tokenization rather than a second
  // pass: the pipelines call the tokenizer synchronously as they start.
  let lastTokens = 0;
  const tokenize = tokenizer._call.bind(tokenizer);
  tokenizer._call = (...args: unknown[]) => {
    const enc = tokenize(...args);
    const mask = enc?.attention_mask?.data as BigInt64Array | undefined;
    lastTokens = mask ? Number(mask.reduce((a, b) => a + b, 0n)) : 0;
    return enc;
  };
  const withTokens = async (run: () => Promise<any>): Promise<[any, number]> => {
    const pending = run();
    const tokens = lastTokens;
    return [await pending, tokens];
  };
  const buildPrompt = (req: GenerateRequest): { prompt: string; templated: boolean } => {
    if (req.prompt !== undefined) return { prompt: req.prompt, templated: false };
    const messages = req.messages ?? [];
    if (tokenizer.chat_template) return { prompt: tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true }), templated: true };
    return { prompt: plainTranscript(messages), templated: false };
  };

  return {
    countTokens,

    async embed(texts: string[]): Promise<EmbedResult> {
      if (m.task !== "embed") unsupported(m, "embed");
      const [out, tokens] = await withTokens(() => pipe(texts, { pooling: m.pooling, normalize: m.normalize }));
      const [n, d] = out.dims as [number, number];
      const data = out.data as Float32Array;
      const vectors = Array.from({ length: n }, (_, i) => data.slice(i * d, (i + 1) * d));
      return { vectors, tokens };
    },

    async classify(texts: string[], topK: number): Promise<ClassifyResult> {
      if (m.task !== "classify") unsupported(m, "classify");
      const [out, tokens] = await withTokens(() => pipe(texts, { top_k: topK }));
      // One input gives a flat list; several give a list per input.
      const labels = texts.length === 1 && !Array.isArray(out[0]) ? [out] : out;
      return { labels, tokens };
    },

    countPrompt(req: GenerateRequest): number {
      const { prompt, templated } = buildPrompt(req);
      return tokenizer.encode(prompt, { add_special_tokens: !templated }).length;
    },

    async generate(req: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      if (m.task !== "generate") unsupported(m, "generate");
      const { prompt, templated } = buildPrompt(req);
      let promptTokens = 0;
      let completionTokens = 0;
      let last: bigint | undefined;
      const streamer = new TextStreamer(tokenizer, {
        skip_prompt: true,
        callback_function: (text: string) => {
          if (text) hooks.onText?.(text);
        },
        token_callback_function: (tokens: bigint[]) => {
          completionTokens += tokens.length;
          last = tokens.at(-1);
        },
      } as any);
      const put = streamer.put.bind(streamer);
      streamer.put = (value: bigint[][]) => {
        if (promptTokens === 0) promptTokens = value[0]?.length ?? 0;
        put(value);
      };
      const stopping = new StoppingCriteriaList();
      stopping.push(new AbortCriterion(hooks.signal));
      const sample = req.temperature > 0;
      const out = await pipe(prompt, {
        max_new_tokens: req.maxTokens,
        do_sample: sample,
        ...(sample ? { temperature: req.temperature, ...(req.topP !== undefined ? { top_p: req.topP } : {}) } : {}),
        return_full_text: false,
        // A chat template already holds the special tokens the model expects.
        ...(templated ? { add_special_tokens: false } : {}),
        streamer,
        stopping_criteria: stopping,
      });
      const eos = new Set<bigint>(([] as unknown[]).concat(tokenizer.eos_token_id).filter((x): x is number => typeof x === "number").map((x) => BigInt(x)));
      const finishReason = completionTokens >= req.maxTokens && !(last !== undefined && eos.has(last)) ? "length" : "stop";
      return { text: out[0]?.generated_text ?? "", promptTokens, completionTokens, finishReason };
    },

    run: () => unsupported(m, "run"),
    inputNames: () => [...(pipe.model.sessions?.model?.inputNames ?? [])],
    async dispose() {
      await pipe.dispose();
    },
  };
}

const ORT_TYPES: Record<TensorType, true> = { float32: true, int64: true, int32: true, uint8: true, int8: true, bool: true };

async function loadTensorModel(dir: string, m: Manifest, opts: EngineOptions): Promise<LoadedModel> {
  const session = await ort.InferenceSession.create(join(dir, m.onnx!), sessionOptions(opts));
  return {
    countTokens: () => unsupported(m, "tokenize"),
    countPrompt: () => unsupported(m, "tokenize"),
    embed: () => unsupported(m, "embed"),
    classify: () => unsupported(m, "classify"),
    generate: () => unsupported(m, "generate"),
    async run(feeds) {
      const inputs: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.type, t.data as any, t.dims);
      const out = await session.run(inputs);
      const result: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(out)) {
        if (!(t.type in ORT_TYPES)) throw new Error(`model ${m.name}: output ${name} has type ${t.type}, which the runtime does not pass on`);
        result[name] = { type: t.type as TensorType, data: t.data as TensorData["data"], dims: [...t.dims] };
      }
      return result;
    },
    inputNames: () => [...session.inputNames],
    async dispose() {
      await session.release();
    },
  };
}
