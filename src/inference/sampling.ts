/**
 * Choosing the next token from logits: greedy (temperature 0), or sampling
 * with temperature and nucleus (top_p) from a seeded generator, so a request
 * with a seed always gets the same answer from the same model. Logits set to
 * -Infinity (a grammar's mask) are never chosen.
 */
import { seededRandom } from "../sys/random";

export interface SamplerOptions {
  temperature: number;
  topP?: number;
  seed?: number;
}

export type Sampler = (logits: Float32Array) => number;

/** The index of the largest logit, or -1 when every one is -Infinity. */
export function argmax(logits: Float32Array): number {
  let best = -1;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i]! > max) {
      max = logits[i]!;
      best = i;
    }
  }
  return best;
}

export function createSampler(opts: SamplerOptions): Sampler {
  if (opts.temperature <= 0) return argmax;
  const random = seededRandom(opts.seed ?? (crypto.getRandomValues(new Uint32Array(1))[0]! >>> 0));
  const topP = opts.topP ?? 1;
  let probs = new Float32Array(0);
  return (logits) => {
    const best = argmax(logits);
    if (best < 0) return -1;
    const max = logits[best]!;
    if (probs.length < logits.length) probs = new Float32Array(logits.length);
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      const p = logits[i] === Number.NEGATIVE_INFINITY ? 0 : Math.exp((logits[i]! - max) / opts.temperature);
      probs[i] = p;
      total += p;
    }
    let keep: number[] | undefined;
    if (topP < 1) {
      // The nucleus without sorting the whole vocabulary: lower a threshold
      // until the tokens above it hold top_p of the mass, then sort just those.
      const want = topP * total;
      for (let threshold = 0.1; ; threshold /= 10) {
        let mass = 0;
        for (let i = 0; i < logits.length; i++) if (probs[i]! >= threshold) mass += probs[i]!;
        if (mass >= want || threshold < 1e-12) {
          const above: number[] = [];
          for (let i = 0; i < logits.length; i++) if (probs[i]! >= threshold && probs[i]! > 0) above.push(i);
          above.sort((a, b) => probs[b]! - probs[a]! || a - b);
          keep = [];
          let acc = 0;
          for (const i of above) {
            keep.push(i);
            acc += probs[i]!;
            if (acc >= want) break;
          }
          total = acc;
          break;
        }
      }
    }
    let r = random() * total;
    if (keep) {
      for (const i of keep) if ((r -= probs[i]!) <= 0) return i;
      return keep.at(-1)!;
    }
    let last = best;
    for (let i = 0; i < logits.length; i++) {
      if (probs[i]! <= 0) continue;
      last = i;
      if ((r -= probs[i]!) <= 0) return i;
    }
    return last;
  };
}

/**
 * OpenAI's presence and frequency penalties and logit_bias, applied to the
 * logits before the grammar's mask: a token already generated c times loses
 * presence + c × frequency; biased ids gain their bias.
 */
export function logitAdjuster(penalties?: { presence: number; frequency: number }, bias?: Record<number, number>): ((logits: Float32Array, generated: readonly number[]) => void) | undefined {
  if (!penalties && !bias) return undefined;
  const counts = new Map<number, number>();
  let seen = 0;
  const entries = Object.entries(bias ?? {}).map(([id, b]) => [Number(id), b] as const);
  return (logits, generated) => {
    for (; seen < generated.length; seen++) counts.set(generated[seen]!, (counts.get(generated[seen]!) ?? 0) + 1);
    if (penalties) for (const [id, c] of counts) logits[id] = logits[id]! - penalties.presence - c * penalties.frequency;
    for (const [id, b] of entries) if (id < logits.length) logits[id] = logits[id]! + b;
  };
}
