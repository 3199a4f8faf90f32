/**
 * What a subsystem that keeps tables in working.db adds to Memory: figures
 * for `stats().working` and retention for `maintain()`. The goal engine's
 * goals, say, are counted there and deleted by age, yet the memory layer
 * knows no goal: the owner registers its part (Memory.register) once its
 * stores are open, the way each store applies its own migrations.
 *
 * The figures stay typed the way Hono types its context variables: the owner
 * declares what it adds by augmenting PartStats and PartReport beside its
 * part (`declare module ".../memory/parts"`). Both are Partial where read:
 * a part adds nothing until it is registered.
 */
import type { Config } from "../config";

/** Figures parts add to `stats().working`, by key; empty here, augmented by each owner. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface PartStats {}

/** Counts parts add to `maintain()`'s report, by key; empty here, augmented by each owner. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface PartReport {}

export interface MemoryPart {
  /** Names the part; registering one of the same name again replaces it (a store reopened). */
  name: string;
  /** Its figures, read on every `stats()`. */
  stats?(): Partial<PartStats>;
  /** Its retention, run by `maintain()` before the files are compacted, under the [memory] configuration. */
  retain?(now: number, config: Config["memory"]): Partial<PartReport>;
}

export function defineMemoryPart(part: MemoryPart): MemoryPart {
  return part;
}
