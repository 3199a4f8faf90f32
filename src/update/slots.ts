/**
 * What each slot holds, as aios-init knows it (`<data>/boot/slots.json`), the
 * one transition table that changes it, and the update history
 * (`<data>/boot/history.jsonl`). /init never reads these: it needs only the
 * boot state (state.ts). Both files are written durably.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { appendFileDurable, writeFileDurable } from "../sys";
import type { Slot } from "./state";

export type SlotStatus = "empty" | "writing" | "installed" | "trying" | "good" | "failed";

export interface SlotInfo {
  status: SlotStatus;
  version: string | null;
  commit: string | null;
  sha256: string | null;
  size: number | null;
  /** When the slot entered this status (ISO time). */
  since: string;
  /** Why it failed, or why a trial on it is failing. */
  reason?: string;
}

export type SlotEvent = "write" | "written" | "interrupted" | "trial" | "healthy" | "fail" | "running";

/**
 * The transition table: the statuses an event may leave, and the one it
 * enters. `running` is what a normal boot observes of its own slot (a slot
 * booted as the good one is good, whatever was known of it before).
 */
export const SLOT_TRANSITIONS: Record<SlotEvent, { from: readonly SlotStatus[]; to: SlotStatus }> = {
  write: { from: ["empty", "installed", "good", "failed", "writing"], to: "writing" },
  written: { from: ["writing"], to: "installed" },
  interrupted: { from: ["writing"], to: "failed" },
  trial: { from: ["installed"], to: "trying" },
  healthy: { from: ["trying"], to: "good" },
  fail: { from: ["installed", "trying"], to: "failed" },
  running: { from: ["empty", "writing", "installed", "trying", "good", "failed"], to: "good" },
};

export class SlotTransitionError extends Error {}

export const EMPTY: SlotInfo = { status: "empty", version: null, commit: null, sha256: null, size: null, since: new Date(0).toISOString() };

export function transition(info: SlotInfo, event: SlotEvent, patch: Partial<Omit<SlotInfo, "status" | "since">> = {}, now = new Date()): SlotInfo {
  const t = SLOT_TRANSITIONS[event];
  if (!t.from.includes(info.status)) throw new SlotTransitionError(`slot: cannot ${event} from ${info.status}`);
  const next: SlotInfo = { ...info, ...patch, status: t.to, since: now.toISOString() };
  if (t.to !== "failed" && t.to !== "trying" && !("reason" in patch)) delete next.reason;
  return next;
}

export type Slots = Record<Slot, SlotInfo>;

const slotsFile = (dir: string) => join(dir, "slots.json");
const historyFile = (dir: string) => join(dir, "history.jsonl");

function validInfo(x: unknown): x is SlotInfo {
  return !!x && typeof x === "object" && typeof (x as SlotInfo).status === "string" && (x as SlotInfo).status in { empty: 1, writing: 1, installed: 1, trying: 1, good: 1, failed: 1 };
}

export function readSlots(dir: string): Slots {
  try {
    const raw = JSON.parse(readFileSync(slotsFile(dir), "utf8")) as Partial<Slots>;
    return { a: validInfo(raw.a) ? raw.a : { ...EMPTY }, b: validInfo(raw.b) ? raw.b : { ...EMPTY } };
  } catch {
    return { a: { ...EMPTY }, b: { ...EMPTY } };
  }
}

export function writeSlots(dir: string, slots: Slots): void {
  writeFileDurable(slotsFile(dir), `${JSON.stringify(slots, null, 2)}\n`, { mode: 0o644 });
}

export type HistoryEvent = "installed" | "refused" | "interrupted" | "trial" | "good" | "failed" | "rollback" | "cancelled";

export interface HistoryEntry {
  at: string;
  event: HistoryEvent;
  slot: Slot | null;
  version?: string | null;
  /** The slot the system runs after this event, where it matters (a fallback, a rollback). */
  running?: Slot;
  reason?: string;
  /** Who asked: api, console, ctl. */
  origin?: string;
}

/** Entries past this many are dropped from the file when it is next appended to. */
export const HISTORY_KEEP = 200;

export function appendHistory(dir: string, entry: Omit<HistoryEntry, "at">, now = new Date()): HistoryEntry {
  const full: HistoryEntry = { at: now.toISOString(), ...entry };
  const all = readHistory(dir, Number.POSITIVE_INFINITY);
  if (all.length >= HISTORY_KEEP) writeFileDurable(historyFile(dir), [...all.slice(-(HISTORY_KEEP - 1)), full].map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o644 });
  else appendFileDurable(historyFile(dir), `${JSON.stringify(full)}\n`);
  return full;
}

/** The last `limit` entries, oldest first; a torn last line (a power cut mid-append) is skipped. */
export function readHistory(dir: string, limit = 50): HistoryEntry[] {
  let text: string;
  try {
    text = readFileSync(historyFile(dir), "utf8");
  } catch {
    return [];
  }
  const out: HistoryEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as HistoryEntry);
    } catch {
      // torn line
    }
  }
  return out.slice(-limit);
}
