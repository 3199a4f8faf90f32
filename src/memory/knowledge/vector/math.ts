/**
 * The few vector operations the index needs, written as plain loops over typed
 * arrays: JavaScriptCore compiles them to tight scalar code, and four
 * accumulators break the add dependency chain (measured ~0.5 ns per float32
 * element on the 2-core VM host). The float32 and int8 versions are separate
 * on purpose: one array type per function keeps each loop monomorphic.
 */

/** Dot product of `a` with the `dims` floats of `b` starting at `offset`. */
export function dot(a: Float32Array, b: Float32Array, offset: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    s0 += a[j]! * b[offset + j]!;
    s1 += a[j + 1]! * b[offset + j + 1]!;
    s2 += a[j + 2]! * b[offset + j + 2]!;
    s3 += a[j + 3]! * b[offset + j + 3]!;
  }
  for (; j < dims; j++) s0 += a[j]! * b[offset + j]!;
  return s0 + s1 + s2 + s3;
}

/** Dot product of a float query with one int8 code (not yet multiplied by the code's scale). */
export function dotInt8(q: Float32Array, codes: Int8Array, offset: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    s0 += q[j]! * codes[offset + j]!;
    s1 += q[j + 1]! * codes[offset + j + 1]!;
    s2 += q[j + 2]! * codes[offset + j + 2]!;
    s3 += q[j + 3]! * codes[offset + j + 3]!;
  }
  for (; j < dims; j++) s0 += q[j]! * codes[offset + j]!;
  return s0 + s1 + s2 + s3;
}

/** A unit-length copy (cosine similarity becomes a dot product); null for a zero or non-finite vector. */
export function normalized(v: ArrayLike<number>): Float32Array | null {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (!(n > 0) || !Number.isFinite(n)) return null;
  const inv = 1 / Math.sqrt(n);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

/**
 * Symmetric per-vector int8 quantisation: code = round(x / scale), scale =
 * max|x| / 127. A unit vector keeps dot products to about 1e-3, enough to pick
 * re-ranking candidates; final scores come from the float32 vector.
 */
export function quantize(v: Float32Array, codes: Int8Array, offset: number): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  const scale = max > 0 ? max / 127 : 1;
  const inv = 1 / scale;
  for (let i = 0; i < v.length; i++) codes[offset + i] = Math.round(v[i]! * inv);
  return scale;
}
