/**
 * The grammar worker: one thread per process that owns XGrammar (core.ts),
 * so compiling a grammar never stalls PID 1's event loop. Requests are
 * `{ id, op, args }`; answers `{ id, value }` or `{ id, error }`. An accept
 * may carry `maskId`: the next mask then follows as a second answer.
 */
import { type CoreOp, GrammarCore, type Step } from "./core";

declare const self: Worker;
const core = new GrammarCore();

self.onmessage = async (e: MessageEvent<{ id: number; op: CoreOp; args: unknown[]; maskId?: number }>) => {
  const { id, op, args, maskId } = e.data;
  try {
    const value = await (core[op] as (...a: unknown[]) => unknown).apply(core, args);
    // Masks are fresh copies (XGrammar slices them out of WASM memory): move them, do not copy.
    const mask = (value as { mask?: Int32Array } | undefined)?.mask;
    self.postMessage({ id, value }, mask ? [mask.buffer as ArrayBuffer] : []);
    if (op === "accept" && maskId !== undefined) nextMask(maskId, args[0] as number, value as Step);
  } catch (err) {
    self.postMessage({ id, error: { message: (err as Error).message ?? String(err), name: (err as Error).name } });
    if (maskId !== undefined) self.postMessage({ id: maskId, error: { message: "no mask: the token was not accepted" } });
  }
};

/**
 * After an accept is answered, the next mask as a second answer: the main
 * thread runs the model's next forward pass meanwhile. None once the grammar
 * has ended (XGrammar aborts on a mask asked of a terminated matcher).
 */
async function nextMask(maskId: number, matcher: number, step: Step): Promise<void> {
  if (!step.ok || step.terminated) {
    self.postMessage({ id: maskId, error: { message: step.ok ? "no mask: the grammar has ended" : "no mask: the token was refused" } });
    return;
  }
  try {
    const { mask } = await core.mask(matcher);
    self.postMessage({ id: maskId, value: { mask } }, [mask.buffer as ArrayBuffer]);
  } catch (err) {
    self.postMessage({ id: maskId, error: { message: (err as Error).message ?? String(err) } });
  }
}
