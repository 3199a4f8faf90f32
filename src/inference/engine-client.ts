/**
 * The engine as the runtime sees it: `loadModel` with engine.ts's signature,
 * whose models live on the engine's thread (engine-thread.ts) so that no
 * tokenizer or onnxruntime session ever runs on PID 1's event loop. One
 * thread serves every model of a runtime; one that dies fails what was in
 * flight, and the next load starts another (a model of the dead one fails
 * each call until the runtime unloads it). Stopping ends the thread with
 * every model in it, without waiting for a native call in progress: at
 * poweroff one embedding batch of the docs still running took longer than
 * the 3 s that shutdown gives inference.
 */
import { workerUrl, WorkerClient, type WireError } from "../sys/worker-client";
import { LimitError } from "./errors";
import { GrammarError } from "./grammar/errors";
import type { EngineEvent, EngineRequest, PackedEmbeddings } from "./engine-thread";
import type { Manifest } from "./manifest";
import type { EngineOptions, LoadedModel } from "./types";

/** The engine's typed errors again, as the API maps them (the field a LimitError or GrammarError names). */
function typed(e: WireError): Error {
  if (e.code === "over_limit" && e.field) return new LimitError(e.message, e.field);
  if (e.code === "bad_grammar" && e.field) return new GrammarError(e.message, e.field);
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

type Op<R extends EngineRequest = EngineRequest> = R extends unknown ? Omit<R, "op" | "handle"> & { op: R["op"] } : never;

/** An engine: its own thread, started on the first load; `stop` ends it with every model in it. */
export interface Engine {
  loadModel(dir: string, m: Manifest, opts: EngineOptions): Promise<LoadedModel>;
  stop(): void;
}

export function startEngine(): Engine {
  let thread: WorkerClient | undefined;
  const engineThread = (): WorkerClient =>
    (thread ??= new WorkerClient(workerUrl(import.meta.url, "./engine-thread.ts", "inference/engine-thread.ts"), "inference engine", () => {
      thread = undefined;
    }));
  return {
    loadModel: (dir, m, opts) => loadOn(engineThread(), dir, m, opts),
    stop: () => {
      thread?.terminate();
      thread = undefined;
    },
  };
}

async function loadOn(w: WorkerClient, dir: string, m: Manifest, opts: EngineOptions): Promise<LoadedModel> {
  const { handle, inputNames } = await w.request<{ handle: number; inputNames: string[] }>({ op: "load", dir, manifest: m, opts }, { error: typed });
  const call = <T>(req: Op, extra: { signal?: AbortSignal; onEvent?: (e: unknown) => void } = {}) =>
    w.request<T>({ ...req, handle }, { ...extra, error: typed });
  return {
    countTokens: (text) => call({ op: "countTokens", text }),
    countPrompt: (req) => call({ op: "countPrompt", req }),
    embed: async (texts) => {
      const { data, dims, tokens } = await call<PackedEmbeddings>({ op: "embed", texts });
      return { vectors: Array.from({ length: dims ? data.length / dims : 0 }, (_, i) => data.subarray(i * dims, (i + 1) * dims)), tokens };
    },
    classify: (texts, topK) => call({ op: "classify", texts, topK }),
    generate: (req, hooks) =>
      call({ op: "generate", req }, {
        signal: hooks.signal,
        onEvent: (e) => {
          const ev = e as EngineEvent;
          if ("text" in ev) hooks.onText?.(ev.text);
          else hooks.onToolCall?.(ev.toolCall);
        },
      }),
    run: (feeds) => call({ op: "run", feeds }),
    inputNames: () => inputNames,
    dispose: async () => {
      if (!w.dead) await call({ op: "dispose" });
    },
  };
}
