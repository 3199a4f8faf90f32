/**
 * The ledger's head (seq and hash) kept outside the ledger, in a two-slot
 * file beside it (audit.anchor), so that a tail a power cut took away is
 * found out: the chain must reach the anchored head. Written in the
 * background after each flush, at most every ANCHOR_GAP_MS, so that under a
 * stream of commits the anchor's own flush does not take turns with the
 * log's (the anchor trails by that much); written at once, blocking, at a
 * clean close.
 */
import { dirname, join } from "node:path";
import { errorMessage, log, SlotFile } from "../sys";
import type { Head } from "./chain";

/** The least time between two writes of the anchor file. */
const ANCHOR_GAP_MS = 10;

/** The anchor file beside a ledger database. */
export function anchorPath(ledgerPath: string): string {
  return join(dirname(ledgerPath), "audit.anchor");
}

export class HeadAnchor {
  private readonly file: SlotFile;
  private anchoredSeq: number;
  private busy = false;
  private again = false;
  private at = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  /** `head`: the durable head now (read when a write starts, so the newest one is written). */
  constructor(
    path: string,
    private readonly head: () => Head,
  ) {
    this.file = SlotFile.open(path);
    this.anchoredSeq = this.read()?.seq ?? 0;
  }

  /** The head anchored (null: none yet, or unreadable). */
  read(): Head | null {
    const text = this.file.read();
    if (!text) return null;
    try {
      const h = JSON.parse(text) as Head;
      return Number.isInteger(h.seq) && typeof h.hash === "string" ? h : null;
    } catch {
      return null;
    }
  }

  /** Writes the durable head in the background: one write at a time, the newest head when it starts, spaced by ANCHOR_GAP_MS. */
  later(): void {
    if (this.closed || this.head().seq === this.anchoredSeq) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    const wait = this.at + ANCHOR_GAP_MS - performance.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.later();
      }, wait);
      this.timer.unref?.();
      return;
    }
    this.busy = true;
    this.at = performance.now();
    const head = this.head();
    this.file
      .write(JSON.stringify(head))
      .then(
        () => {
          this.anchoredSeq = Math.max(this.anchoredSeq, head.seq);
        },
        (err) => {
          if (!this.closed) log.warn(`audit: anchoring the head at row ${head.seq}: ${errorMessage(err)}`); // else close() wrote the final head
        },
      )
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.later();
        }
      });
  }

  /** At a clean close: `head` (null: nothing more is promised) written at once unless anchored already; then closed. */
  close(head: Head | null): void {
    this.closed = true;
    clearTimeout(this.timer);
    try {
      if (head && head.seq !== this.read()?.seq) this.file.writeSync(JSON.stringify(head));
    } finally {
      this.file.closeSync();
    }
  }
}
