/**
 * Grammars (XGrammar EBNF) for integers and numbers within bounds. Written
 * by hand because XGrammar 0.1.27's own bounded-number grammars are wrong
 * (measured: `minimum: 5` accepts 4.5, `minimum: -5` on an integer refuses
 * -1..-5, `maximum: 11` on a number accepts 11.5, a fractional bound inserts
 * an any-character where the decimal point should be). Integers come from the
 * classic digit-range construction; numbers are the integers in range plus
 * decimals (up to 6 fraction digits, no exponent) whose whole unit cell lies
 * in range, which is a sound subset: every string accepted is in bounds.
 */

export interface Bounds {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

const FRACTION = '"." [0-9]{1,6}';

/** Strings of `n`-digit numbers from lo to hi (same length, as digit strings). */
function sameLength(lo: string, hi: string): string[] {
  if (lo === hi) return [`"${lo}"`];
  const n = lo.length;
  if (/^0*$/.test(lo) && /^9*$/.test(hi)) return [`[0-9]{${n}}`];
  if (lo[0] === hi[0]) return sameLength(lo.slice(1), hi.slice(1)).map((r) => `"${lo[0]}" ${r}`);
  const out: string[] = [];
  const rest = n - 1;
  const lo0 = Number(lo[0]);
  const hi0 = Number(hi[0]);
  const tail = (x: string) => (rest === 0 ? "" : ` ${x}`);
  // lo's first digit with the rest from lo's rest to all nines.
  if (rest === 0) out.push(`[${lo0}-${hi0}]`);
  else {
    const loAll = /^0*$/.test(lo.slice(1));
    const hiAll = /^9*$/.test(hi.slice(1));
    const first = loAll ? lo0 : lo0 + 1;
    const last = hiAll ? hi0 : hi0 - 1;
    if (!loAll) out.push(...sameLength(lo.slice(1), "9".repeat(rest)).map((r) => `"${lo0}" ${r}`));
    if (first <= last) out.push(`[${first}-${last}]${tail(`[0-9]{${rest}}`)}`);
    if (!hiAll) out.push(...sameLength("0".repeat(rest), hi.slice(1)).map((r) => `"${hi0}" ${r}`));
  }
  return out;
}

/** Alternatives for the positive integers from a to b (a ≥ 1; b may be Infinity). */
function positive(a: number, b: number): string[] {
  if (a > b) return [];
  const out: string[] = [];
  let lo = a;
  for (;;) {
    const digits = String(lo).length;
    const top = 10 ** digits - 1;
    if (b === Number.POSITIVE_INFINITY && lo === 10 ** (digits - 1)) {
      // Every number of this many digits or more.
      out.push(`[1-9] [0-9]{${digits - 1},}`);
      return out;
    }
    const hi = Math.min(b, top);
    out.push(...sameLength(String(lo), String(hi)));
    if (hi === b) return out;
    lo = hi + 1;
  }
}

function alt(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(" | ")})`;
}

/** Integers in [lo, hi] (either may be infinite), or undefined if none. */
export function integerRange(lo: number, hi: number): string | undefined {
  if (lo > hi) return undefined;
  const parts: string[] = [];
  // Negatives: "-" then magnitudes from max(1, -hi) to -lo.
  if (lo < 0) {
    const mags = positive(Math.max(1, hi === Number.POSITIVE_INFINITY ? 1 : -Math.min(hi, -1)), -lo);
    if (mags.length) parts.push(`"-" ${alt(mags)}`);
  }
  if (lo <= 0 && hi >= 0) parts.push('"0"');
  if (hi > 0) parts.push(...positive(Math.max(lo, 1), hi));
  return parts.length ? alt(parts) : undefined;
}

/** The integer bounds a numeric schema's bounds allow (ceil/floor, exclusive ones stepped in). */
export function integerBounds(b: Bounds): [number, number] {
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  if (b.minimum !== undefined) lo = Math.max(lo, Math.ceil(b.minimum));
  if (b.exclusiveMinimum !== undefined) lo = Math.max(lo, Math.floor(b.exclusiveMinimum) + 1);
  if (b.maximum !== undefined) hi = Math.min(hi, Math.floor(b.maximum));
  if (b.exclusiveMaximum !== undefined) hi = Math.min(hi, Math.ceil(b.exclusiveMaximum) - 1);
  return [lo, hi];
}

/** Numbers within the bounds: integers in range, and decimals whose unit cell is in range. */
export function numberRange(b: Bounds): string | undefined {
  const [p, q] = integerBounds(b);
  const lower = Math.max(b.minimum ?? Number.NEGATIVE_INFINITY, b.exclusiveMinimum ?? Number.NEGATIVE_INFINITY);
  const upper = Math.min(b.maximum ?? Number.POSITIVE_INFINITY, b.exclusiveMaximum ?? Number.POSITIVE_INFINITY);
  const parts: string[] = [];
  const ints = integerRange(p, q);
  if (ints) parts.push(ints);
  // "k.f" is in [k, k+1): k ≥ p (so k ≥ the lower bound, strictly when exclusive) and k + 1 ≤ upper.
  const posHi = upper === Number.POSITIVE_INFINITY ? upper : Math.floor(upper) - 1;
  const pos = integerRange(Math.max(p, 0), posHi);
  if (pos) parts.push(`${pos} ${FRACTION}`);
  // "-k.f" is in (-(k+1), -k]: -(k+1) ≥ lower and -k ≤ q.
  const negHi = lower === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : Math.floor(-lower) - 1;
  const neg = integerRange(Math.max(q === Number.POSITIVE_INFINITY ? 0 : -q, 0), negHi);
  if (neg) parts.push(`"-" ${neg} ${FRACTION}`);
  return parts.length ? alt(parts) : undefined;
}
