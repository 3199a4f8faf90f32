/**
 * Which aiOS this is: the package version and the commit, compiled in by
 * build/compile.ts (build/defines.ts). Under `bun src/main.ts` (dev mode,
 * tests) nothing is compiled in: the version is read from package.json and
 * the commit is unknown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

// Replaced by Bun.build's `define` in the compiled binary; undeclared (typeof: "undefined") elsewhere.
declare const AIOS_VERSION: string | undefined;
declare const AIOS_COMMIT: string | null | undefined;
declare const AIOS_UPDATE_KEY: string | null | undefined;

export interface BuildInfo {
  version: string;
  /** Short commit hash, `-dirty` when built from a changed tree; null when not known. */
  commit: string | null;
  /** True in the compiled binary. */
  compiled: boolean;
  /** The ed25519 public key (PEM) update images must be signed with; null when none was compiled in. */
  updateKey: string | null;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function buildInfo(): BuildInfo {
  const updateKey = typeof AIOS_UPDATE_KEY === "string" ? AIOS_UPDATE_KEY : null;
  if (typeof AIOS_VERSION === "string") return { version: AIOS_VERSION, commit: typeof AIOS_COMMIT === "string" ? AIOS_COMMIT : null, compiled: true, updateKey };
  return { version: packageVersion(), commit: null, compiled: false, updateKey };
}
