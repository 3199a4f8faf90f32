/**
 * The grammar worker: one thread per process that owns XGrammar (core.ts),
 * so compiling a grammar never stalls PID 1's event loop. Requests are
 * `{ id, op, args }`; answers `{ id, value }` or `{ id, error }`, one each.
 */
import { type CoreOp, GrammarCore } from "./core";

declare const self: Worker;
const core = new GrammarCore();

self.onmessage = async (e: MessageEvent<{ id: number; op: CoreOp; args: unknown[] }>) => {
  const { id, op, args } = e.data;
  try {
    const value = await (core[op] as (...a: unknown[]) => unknown).apply(core, args);
    // Masks are fresh copies (XGrammar slices them out of WASM memory): move them, do not copy.
    const mask = (value as { mask?: Int32Array } | undefined)?.mask;
    self.postMessage({ id, value }, mask ? [mask.buffer as ArrayBuffer] : []);
  } catch (err) {
    self.postMessage({ id, error: { message: (err as Error).message ?? String(err), name: (err as Error).name } });
  }
};
