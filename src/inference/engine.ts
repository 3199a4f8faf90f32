/**
 * The engine: transformers.js pipelines and raw onnxruntime sessions over a
 * model folder. This is the only module that imports @huggingface/transformers
 * and onnxruntime-node. It runs on the engine's thread (engine-thread.ts),
 * never on PID 1's: the runtime talks to it through engine-client.ts, and the
 * thread starts on the first load, so neither the binding nor 1.3 MB of
 * library JavaScript is initialised at boot.
 * Models are loaded from absolute paths with remote access off: nothing here
 * ever touches the network.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { env, LogLevel, pipeline } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import { detectToolFormat } from "./chat/formats";
import { templateInput } from "./chat/prompt";
import { ToolCallParser, type ToolCallEvent } from "./chat/toolcalls";
import { decode, type CausalLm } from "./decode";
import { activeTools, compileConstraint, GrammarCache, vocabInfo, type TokenMask } from "./grammar";
import { LimitError } from "./errors";
import type { Manifest } from "./manifest";
import { createSampler, logitAdjuster } from "./sampling";
import { Detokenizer, StopStrings } from "./text";
import type {
  ClassifyResult, EmbedResult, EngineOptions, GenerateHooks, GenerateRequest, GenerateResult, LoadedModel, TensorData, TensorType, ToolCall,
} from "./types";

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;
env.useBrowserCache = false;
env.logLevel = LogLevel.ERROR;

const PIPELINE_TASK = { embed: "feature-extraction", generate: "text-generation", classify: "text-classification" } as const;

/** The session options of every model the engine loads (the bench gives its baselines the same). */
export function sessionOptions(opts: EngineOptions) {
  return {
    ...(opts.threads > 0 ? { intraOpNumThreads: opts.threads } : {}),
    interOpNumThreads: 1,
    graphOptimizationLevel: "all" as const,
    // Idle intra-op threads sleep instead of spinning between runs: PID 1
    // shares a few cores with everything else, the grammar worker and the
    // decoding loop's own thread included (ORT runs a session on the thread
    // that calls it). Measured on 2 busy cores with threads = 0: the same
    // per-token wall time or better (up to 40 % less), 1 to 2 ms less CPU a
    // token for the tiny Qwen3-vocabulary model.
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  };
}

function unsupported(m: Manifest, what: string): never {
  throw new Error(`model ${m.name}: ${what} is not supported by a ${m.task} model`);
}

/** A transcript for models without a chat template. */
function plainTranscript(messages: Array<Record<string, unknown>>): string {
  return `${messages.map((m) => `${m.role}: ${m.content}`).join("\n")}\nassistant:`;
}

/** OpenAI-style call ids. */
const callId = () => `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

/** Every id a model's configs name as end of sequence. */
function eosIds(...sources: unknown[]): Set<number> {
  const out = new Set<number>();
  for (const s of sources) for (const x of ([] as unknown[]).concat(s ?? [])) if (typeof x === "number") out.add(x);
  return out;
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

  const countTokens = async (text: string): Promise<number> => tokenizer.encode(text).length;
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
  const toolFormat = detectToolFormat(tokenizer.chat_template);
  const buildPrompt = (req: GenerateRequest): { prompt: string; templated: boolean } => {
    if (req.prompt !== undefined) return { prompt: req.prompt, templated: false };
    const { messages, tools } = templateInput(req.messages ?? [], req.tools?.choice === "none" ? undefined : req.tools?.tools, toolFormat);
    if (tokenizer.chat_template) {
      return { prompt: tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true, ...(tools ? { tools } : {}) }), templated: true };
    }
    return { prompt: plainTranscript(messages), templated: false };
  };
  const model = pipe.model;
  const eos = eosIds(model.generation_config?.eos_token_id, model.config?.eos_token_id, tokenizer.eos_token_id);
  // Built on the first constrained request: a tokenizer info over the whole vocabulary takes a few hundred ms.
  let grammars: Promise<GrammarCache> | undefined;
  const grammarCache = (): Promise<GrammarCache> => {
    grammars ??= GrammarCache.create(vocabInfo(tokenizer._tokenizerJSON, model.config?.vocab_size ?? 0, [...eos], new Set(toolFormat.markers))).catch((err) => {
      grammars = undefined;
      throw err;
    });
    return grammars;
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

    async countPrompt(req: GenerateRequest): Promise<number> {
      const { prompt, templated } = buildPrompt(req);
      return tokenizer.encode(prompt, { add_special_tokens: !templated }).length;
    },

    async generate(req: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      if (m.task !== "generate") unsupported(m, "generate");
      const { prompt, templated } = buildPrompt(req);
      const tools = activeTools(req);
      const width = model.config?.vocab_size ?? Number.POSITIVE_INFINITY;
      for (const id of Object.keys(req.logitBias ?? {})) {
        if (Number(id) >= width) throw new LimitError(`logit_bias: token id ${id} is beyond the ${width}-token vocabulary of ${m.name}`, "logit_bias");
      }
      let mask: TokenMask | undefined;
      let compileMs = 0;
      if (tools.length || (req.responseFormat && req.responseFormat.type !== "text")) {
        const started = performance.now();
        const cache = await grammarCache();
        const grammar = await compileConstraint(cache, req, toolFormat);
        if (grammar) mask = await cache.matcher(grammar);
        compileMs = performance.now() - started;
      }
      try {
        const inputs = tokenizer(prompt, { add_special_tokens: !templated });
        const promptIds = Array.from(inputs.input_ids.data as BigInt64Array);
        // With tools, special tokens stay in the text: some formats' markers are special tokens.
        const detok = new Detokenizer(tokenizer, tools.length === 0);
        const stops = new StopStrings(req.stop ?? []);
        const parser = tools.length ? new ToolCallParser(toolFormat) : undefined;
        let text = "";
        const calls: ToolCall[] = [];
        const onEvent = (e: ToolCallEvent) => {
          if (e.type === "content") {
            text += e.text;
            hooks.onText?.(e.text);
          } else if (e.type === "call") {
            calls[e.index] = { id: callId(), name: e.name, arguments: "" };
            hooks.onToolCall?.({ index: e.index, id: calls[e.index]!.id, name: e.name, arguments: "" });
          } else {
            calls[e.index]!.arguments += e.text;
            hooks.onToolCall?.({ index: e.index, arguments: e.text });
          }
        };
        const emit = (piece: string) => {
          if (!piece) return;
          if (parser) for (const e of parser.push(piece)) onEvent(e);
          else onEvent({ type: "content", text: piece });
        };
        const r = await decode(model as CausalLm, {
          inputs, promptIds, maxTokens: req.maxTokens, mask, eos, signal: hooks.signal,
          sampler: createSampler({ temperature: req.temperature, topP: req.topP, seed: req.seed }),
          adjust: logitAdjuster(req.penalties, req.logitBias),
          onToken: (id) => {
            if (eos.has(id)) return;
            emit(stops.push(detok.push(id)));
            return stops.stopped;
          },
        });
        if (!stops.stopped) emit(stops.push(detok.end()));
        emit(stops.end());
        if (parser) for (const e of parser.end()) onEvent(e);
        const made = parser ? parser.calls.map((c, i) => ({ id: calls[i]?.id ?? callId(), name: c.name, arguments: c.arguments })) : [];
        const finishReason = made.length ? "tool_calls" : r.end === "length" ? "length" : "stop";
        return {
          text, promptTokens: promptIds.length, completionTokens: r.tokens.length, finishReason,
          ...(made.length ? { toolCalls: made } : {}),
          timings: { forwardMs: r.forwardMs, maskMs: mask?.maskMs ?? 0, sampleMs: r.sampleMs - (mask?.maskMs ?? 0), compileMs },
        };
      } finally {
        mask?.dispose();
      }
    },

    run: () => unsupported(m, "run"),
    inputNames: () => [...(pipe.model.sessions?.model?.inputNames ?? [])],
    async dispose() {
      if (grammars) await grammars.then((g) => g.dispose(), () => {});
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
