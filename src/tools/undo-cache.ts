/**
 * The undo cache: copies a call keeps so that its undo can put things back
 * (large file contents, deleted trees, a removed home), one directory per
 * call under <data>/cache/undo/<callId>. They belong to the tool system, not
 * to any cleanup: a copy goes only once its call can no longer be rolled
 * back (undone already, no undo record, a tool that is no longer reversible).
 * An interrupted call's copies go as any call's do (its undo record is saved
 * before its change, and boot's recovery may have undone it), except when it
 * stopped before saving the record: then a copy may be the only way back by hand.
 */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { CallRecord } from "../memory";
import { errorMessage, log, removeDurable } from "../sys";
import type { ToolEnv } from "./define";
import { idNumber } from "./views";

export function undoCacheDir(env: ToolEnv): string {
  return join(env.paths.data, "cache", "undo");
}

/** Whether a call's undo copies are still wanted; those of a call the store does not know are kept (not provably unwanted). */
export function copiesWanted(rec: CallRecord | undefined, reversible: (tool: string) => boolean): boolean {
  if (!rec) return true;
  if (rec.status === "queued" || rec.status === "running") return true;
  if (rec.undoneAt !== null) return false;
  if (rec.status === "interrupted" && rec.undo === null) return true;
  return rec.undoneAt === null && rec.undo !== null && reversible(rec.tool);
}

/** Removes one call's copies (after its undo ran); false when it had none. */
export function dropCopies(env: ToolEnv, callId: string): boolean {
  const dir = join(undoCacheDir(env), callId);
  if (!lstatSync(dir, { throwIfNoEntry: false })) return false;
  removeDurable(dir);
  return true;
}

/**
 * Removes the copies of every call that can no longer be rolled back (at
 * boot). Only directories named as call ids (`c42`) are looked at; anything
 * else in the cache is not the tool system's to judge.
 */
export function collectUndoCopies(env: ToolEnv, get: (seq: number) => CallRecord | undefined, reversible: (tool: string) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(undoCacheDir(env));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const seq = /^c\d+$/.test(name) ? idNumber("c", name) : undefined;
    if (seq === undefined || copiesWanted(get(seq), reversible)) continue;
    try {
      removeDurable(join(undoCacheDir(env), name));
      removed.push(name);
    } catch (err) {
      log.warn(`tools: undo copies of ${name}: ${errorMessage(err)}`);
    }
  }
  return removed;
}
