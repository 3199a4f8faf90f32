/**
 * What the memory layer needs from an embedding model. The inference runtime
 * (src/inference) provides one when an `embed` model is installed; without
 * one, long-term memory searches full text only and says so. Nothing in this
 * folder ever makes vectors up.
 */
import { AiosError } from "../sys";

/** bad_embedding: an embedder returned vectors that do not match its texts or its declared dimensions. */
export class EmbedderError extends AiosError<"bad_embedding"> {}

export interface Embedder {
  /** Identifies the vector space: vectors from different models are never compared. */
  readonly model: string;
  readonly dims: number;
  /** One vector of `dims` floats per text, in order. Need not be unit length (memory normalises). */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Calls the embedder and checks its answer, so a broken model cannot put wrong-sized vectors in the index. */
export async function embedChecked(e: Embedder, texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const out = await e.embed(texts, signal);
  if (out.length !== texts.length) throw new EmbedderError("bad_embedding", `embedder ${e.model}: ${out.length} vectors for ${texts.length} texts`);
  for (const v of out) {
    if (v.length !== e.dims) throw new EmbedderError("bad_embedding", `embedder ${e.model}: a vector of ${v.length} dimensions, declared ${e.dims}`);
  }
  return out;
}
