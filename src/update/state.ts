/**
 * The boot state: which slot initramfs/init boots. It lives on the data disk
 * (`<data>/boot/state`) as the `key=value` lines /init reads with the shell's
 * `read`, and both sides replace it whole and durably (new file, fsync,
 * rename, fsync the directory), so a power cut leaves the old state or the
 * new one. /init spends a trial's try and falls back; aios-init installs,
 * marks good and rolls back. The rule /init applies (initramfs/init):
 *
 *   active = good                 boot active
 *   active ≠ good, tries > 0      tries - 1, boot active (a trial)
 *   active ≠ good, tries = 0      boot good; fallback = the slot that failed
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileDurable } from "../sys";

export type Slot = "a" | "b";
export const SLOTS: readonly Slot[] = ["a", "b"];

export interface BootState {
  active: Slot;
  good: Slot;
  /** Boots left for `active` while it is not `good`. */
  tries: number;
  /** Set by /init when a trial used up its tries and it booted `good` instead: the slot that failed; cleared once reported. */
  fallback: Slot | null;
}

export const DEFAULT_STATE: BootState = { active: "a", good: "a", tries: 0, fallback: null };

export function other(slot: Slot): Slot {
  return slot === "a" ? "b" : "a";
}

export function isSlot(s: unknown): s is Slot {
  return s === "a" || s === "b";
}

/** What /init would accept: unknown keys and bad values are ignored, as its `case` ignores them. */
export function parseState(text: string): BootState {
  const s: BootState = { ...DEFAULT_STATE };
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq), value = line.slice(eq + 1);
    if ((key === "active" || key === "good") && isSlot(value)) s[key] = value;
    else if (key === "tries" && /^[0-9]$/.test(value)) s.tries = Number(value);
    else if (key === "fallback" && isSlot(value)) s.fallback = value;
  }
  return s;
}

export function formatState(s: BootState): string {
  if (!Number.isInteger(s.tries) || s.tries < 0 || s.tries > 9) throw new RangeError(`boot state: tries must be 0-9, not ${s.tries}`);
  return `active=${s.active}\ngood=${s.good}\ntries=${s.tries}\nfallback=${s.fallback ?? ""}\n`;
}

export const stateFile = (dir: string) => join(dir, "state");

export function readState(dir: string): BootState {
  try {
    return parseState(readFileSync(stateFile(dir), "utf8"));
  } catch {
    return { ...DEFAULT_STATE };
  }
}

export function writeState(dir: string, s: BootState): void {
  writeFileDurable(stateFile(dir), formatState(s), { mode: 0o644 });
}
