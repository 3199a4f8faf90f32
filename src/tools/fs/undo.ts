/**
 * The undo side shared by the changing fs tools: a per-call store for large
 * copies, the directories a call created, and re-resolving a recorded path at
 * undo time (the tree may have changed since, so it is checked again).
 */
import { lstatSync, mkdirSync, rmdirSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { errorCode, fsyncParent, pendingAt } from "../../sys";
import type { ToolContext, ToolEnv } from "../define";
import { FsError, FsPathError, fsFailure } from "./errors";
import { undoDir, undoId } from "./common";
import { allowed, guestOfHost, resolvePath, type Resolved } from "./paths";
import { capture, type Snapshot, SnapshotLimitError, UndoStore } from "./snapshot";

export function storeFor(ctx: ToolContext): UndoStore {
  return new UndoStore(undoDir(ctx.env, undoId(ctx.callId)));
}

export function storeOf(env: ToolEnv, id: string | undefined): UndoStore {
  return new UndoStore(undoDir(env, id ?? "none"));
}

/** The recorded store id, only when the call actually kept copies on disk. */
export function storeId(ctx: ToolContext, store: UndoStore): string | undefined {
  return store.used ? undoId(ctx.callId) : undefined;
}

/** A snapshot for undo, with a refusal that names the path when it is too big to keep. */
export function snapshot(tool: string, path: string, host: string, store: UndoStore, stat?: Stats): Snapshot | null {
  try {
    return capture(host, store, stat);
  } catch (err) {
    if (err instanceof SnapshotLimitError) {
      store.discard();
      throw new FsError("too_large", tool, path, `${err.message}; refusing a change that could not be undone`);
    }
    throw fsFailure(tool, path, err);
  }
}

/** A recorded guest path, checked again, not following its final component. */
export function again(env: ToolEnv, tool: string, guest: string): Resolved {
  return resolvePath(env, tool, guest, { follow: false });
}

/**
 * The missing ancestors of `r` (outermost first) as guest paths; each must lie
 * inside the roots, so `createParents` cannot build its way out.
 */
export function missingParents(env: ToolEnv, tool: string, path: string, r: Resolved): string[] {
  const out: string[] = [];
  let host = dirname(r.host);
  while (!lstatSync(host, { throwIfNoEntry: false })) {
    const guest = guestOfHost(env, host);
    if (guest === null || !allowed(env, guest)) throw new FsPathError("outside_roots", tool, path, `would create ${guest ?? host}, outside the allowed roots`);
    out.unshift(guest);
    host = dirname(host);
  }
  return out;
}

/** Creates the directories, outermost first, each durable (its entry fsynced in its parent) before the next. */
export function makeDirs(env: ToolEnv, tool: string, guests: readonly string[], mode?: number): void {
  for (const g of guests) {
    const r = again(env, tool, g);
    try {
      mkdirSync(r.host, { mode: mode ?? 0o755 });
      fsyncParent(r.host);
    } catch (err) {
      throw fsFailure(tool, g, err);
    }
  }
}

/**
 * Runs `body` once no staged write (another call's fs.write, not yet in
 * place) is pending at, under or above these host paths: at once and
 * synchronously in the usual case, so a tool's look-then-change stays one
 * step no other call can come between. `body(now)`: now is false when it
 * waited, so what was looked at before (a Resolved's stat) is stale.
 */
export function whenSettled<T>(hosts: readonly string[], body: (now: boolean) => T): T | Promise<T> {
  const wait = pendingAt(...hosts);
  return wait ? wait.then(() => whenSettled(hosts, () => body(false))) : body(true);
}

/** Removes directories a call created, innermost first; one that gained entries since is left and reported. */
export function removeDirs(env: ToolEnv, tool: string, guests: readonly string[]): void {
  const kept: string[] = [];
  for (const g of [...guests].reverse()) {
    const r = again(env, tool, g);
    try {
      rmdirSync(r.host);
      fsyncParent(r.host);
    } catch (err) {
      const code = errorCode(err);
      if (code === "ENOENT") continue;
      if (code === "ENOTEMPTY" || code === "EEXIST") kept.push(g);
      else throw fsFailure(tool, g, err);
    }
  }
  if (kept.length > 0) throw new FsError("ENOTEMPTY", tool, kept[0] as string, "created by this call but no longer empty; left in place");
}
