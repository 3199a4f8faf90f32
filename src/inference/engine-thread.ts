/**
 * The inference engine's thread. onnxruntime-node runs a session on the
 * thread that calls it, and transformers.js tokenizes there too: on PID 1's
 * thread, loading a tiny BERT and embedding aiOS's own documentation after
 * boot held the event loop for up to 18.6 s under TCG (the API, the REPL
 * and every agent with it). Here they hold only this thread. Models live
 * here by handle; requests are `{ id, op, handle?, ... }` (engine-client.ts
 * sends them), a generation's pieces come back as `{ id, event }` before its
 * answer, and `{ op: "abort", of }` stops one.
 */
import { wireError } from "../sys/worker-client";
import { loadModel } from "./engine";
import type { EngineOptions, GenerateRequest, LoadedModel, TensorData } from "./types";
import type { Manifest } from "./manifest";

declare const self: Worker;

export type EngineRequest =
  | { op: "load"; dir: string; manifest: Manifest; opts: EngineOptions }
  | { op: "countTokens"; handle: number; text: string }
  | { op: "countPrompt"; handle: number; req: GenerateRequest }
  | { op: "embed"; handle: number; texts: string[] }
  | { op: "classify"; handle: number; texts: string[]; topK: number }
  | { op: "generate"; handle: number; req: GenerateRequest }
  | { op: "run"; handle: number; feeds: Record<string, TensorData> }
  | { op: "dispose"; handle: number };

/** A batch's vectors in one buffer, `dims` apart (engine-client.ts gives them back as vectors). */
export interface PackedEmbeddings {
  data: Float32Array;
  dims: number;
  tokens: number;
}

/** A generation's piece, as the main thread's hooks take it. */
export type EngineEvent = { text: string } | { toolCall: { index: number; id?: string; name?: string; arguments: string } };

const models = new Map<number, LoadedModel>();
const running = new Map<number, AbortController>();
let handles = 0;

function model(handle: number): LoadedModel {
  const m = models.get(handle);
  if (!m) throw new Error(`inference engine: no model with handle ${handle} (unloaded)`);
  return m;
}

async function answer(id: number, r: EngineRequest): Promise<unknown> {
  switch (r.op) {
    case "load": {
      const loaded = await loadModel(r.dir, r.manifest, r.opts);
      const handle = ++handles;
      models.set(handle, loaded);
      return { handle, inputNames: loaded.inputNames() };
    }
    case "countTokens":
      return model(r.handle).countTokens(r.text);
    case "countPrompt":
      return model(r.handle).countPrompt(r.req);
    case "embed": {
      // One buffer for the batch: moving one is cheaper than moving a small one per vector.
      const { vectors, tokens } = await model(r.handle).embed(r.texts);
      const dims = vectors[0]?.length ?? 0;
      const data = new Float32Array(vectors.length * dims);
      vectors.forEach((v, i) => data.set(v, i * dims));
      return { data, dims, tokens } satisfies PackedEmbeddings;
    }
    case "classify":
      return model(r.handle).classify(r.texts, r.topK);
    case "run":
      return model(r.handle).run(r.feeds);
    case "generate": {
      const controller = new AbortController();
      running.set(id, controller);
      const post = (event: EngineEvent) => self.postMessage({ id, event });
      try {
        return await model(r.handle).generate(r.req, {
          signal: controller.signal,
          onText: (text) => post({ text }),
          onToolCall: (toolCall) => post({ toolCall }),
        });
      } finally {
        running.delete(id);
      }
    }
    case "dispose": {
      const m = models.get(r.handle);
      models.delete(r.handle);
      await m?.dispose();
      return null;
    }
  }
}

/**
 * The buffers of the typed arrays in an answer (tensors, vectors), moved to
 * the main thread rather than copied: a tensor model's output is often
 * megabytes, and nothing here keeps it.
 */
function buffersOf(value: unknown, depth = 0, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (value && typeof value === "object" && depth < 3) {
    for (const v of Object.values(value)) buffersOf(v, depth + 1, out);
  }
  return [...out];
}

self.onmessage = async (e: MessageEvent<(EngineRequest & { id: number }) | { op: "abort"; of: number }>) => {
  const msg = e.data;
  if (msg.op === "abort") {
    running.get(msg.of)?.abort(new Error("cancelled by the caller"));
    return;
  }
  try {
    const value = await answer(msg.id, msg);
    self.postMessage({ id: msg.id, value }, { transfer: buffersOf(value) });
  } catch (err) {
    self.postMessage({ id: msg.id, error: wireError(err) });
  }
};
