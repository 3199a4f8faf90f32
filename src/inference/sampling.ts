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

/**
 * Picks a token from `logits`; with `only`, from those ids alone (ascending,
 * as a grammar's mask lists them), the rest of the row unread. Either way
 * the same token for the same generator state as when every other logit is
 * -Infinity: the same arithmetic over the same tokens in the same order.
 */
export type Sampler = (logits: Float32Array, only?: Int32Array) => number;

/** The index of the largest logit (the first of equals), or -1 when every one is -Infinity. */
export function argmax(logits: Float32Array, only?: Int32Array): number {
  let best = -1;
  let max = Number.NEGATIVE_INFINITY;
  if (only) {
    for (let k = 0; k < only.length; k++) {
      const i = only[k]!;
      if (logits[i]! > max) {
        max = logits[i]!;
        best = i;
      }
    }
    return best;
  }
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
  const temperature = opts.temperature;
  // Scratch reused across tokens: the candidates' probabilities (unnormalised) and ids.
  let probs = new Float32Array(0);
  let ids = new Int32Array(0);
  return (logits, only) => {
    const best = argmax(logits, only);
    if (best < 0) return -1;
    const max = logits[best]!;
    // Candidates with a probability above 0, ascending: a grammar's list, or the row less its -Infinity.
    const room = only ? only.length : logits.length;
    if (probs.length < room) {
      probs = new Float32Array(room);
      ids = new Int32Array(room);
    }
    let n = 0;
    let total = 0;
    // Math.exp is most of a step's sampling (about 7 ns a token, 1 ms over a 150k vocabulary): only candidates pay it.
    if (only) {
      for (let k = 0; k < only.length; k++) {
        const i = only[k]!;
        if (logits[i] === Number.NEGATIVE_INFINITY) continue;
        const p = Math.exp((logits[i]! - max) / temperature);
        probs[n] = p;
        ids[n++] = i;
        total += p;
      }
    } else {
      for (let i = 0; i < logits.length; i++) {
        if (logits[i] === Number.NEGATIVE_INFINITY) continue;
        const p = Math.exp((logits[i]! - max) / temperature);
        probs[n] = p;
        ids[n++] = i;
        total += p;
      }
    }
    if (topP < 1) {
      // The nucleus without sorting every candidate: lower a threshold
      // until the candidates above it hold top_p of the mass, then sort just those.
      const want = topP * total;
      for (let threshold = 0.1; ; threshold /= 10) {
        let mass = 0;
        for (let k = 0; k < n; k++) if (probs[k]! >= threshold) mass += probs[k]!;
        if (mass >= want || threshold < 1e-12) {
          const above: number[] = [];
          for (let k = 0; k < n; k++) if (probs[k]! >= threshold && probs[k]! > 0) above.push(k);
          above.sort((a, b) => probs[b]! - probs[a]! || a - b);
          let acc = 0;
          let last = above[0]!;
          for (const k of above) {
            last = k;
            acc += probs[k]!;
            if (acc >= want) break;
          }
          let r = random() * acc;
          for (const k of above) {
            if ((r -= probs[k]!) <= 0) return ids[k]!;
            if (k === last) break;
          }
          return ids[last]!;
        }
      }
    }
    let r = random() * total;
    let last = best;
    for (let k = 0; k < n; k++) {
      if (probs[k]! <= 0) continue;
      last = ids[k]!;
      if ((r -= probs[k]!) <= 0) return last;
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
