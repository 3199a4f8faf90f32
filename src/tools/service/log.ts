/**
 * A service's output: appended to `<log>/services/<name>.log`, rotated to
 * `<name>.log.1` past a size cap (so a chatty service cannot fill the disk),
 * and the last lines kept in memory for service.status. stdout and stderr
 * are assembled into lines separately, so one never splices into a line of
 * the other; a line with no newline yet waits (up to MAX_LINE) or until the
 * stream ends.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { onRotate } from "../../sys";

export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024;
export const DEFAULT_TAIL_LINES = 100;
const MAX_LINE = 4096;

export interface LogStream {
  write(chunk: Uint8Array): void;
  /** Flushes a last line that had no newline. */
  end(): void;
}

export class ServiceLog {
  private fd: number | null = null;
  private unregister: (() => void) | undefined;
  private size = 0;
  private readonly lines: string[] = [];
  private readonly encoder = new TextEncoder();

  constructor(
    readonly path: string,
    private readonly maxBytes = DEFAULT_LOG_MAX_BYTES,
    private readonly tailLines = DEFAULT_TAIL_LINES,
  ) {}

  /** A writer for one of the process's streams. */
  stream(): LogStream {
    const decoder = new TextDecoder();
    let partial = "";
    return {
      write: (chunk) => {
        partial += decoder.decode(chunk, { stream: true });
        const nl = partial.lastIndexOf("\n");
        if (nl >= 0) {
          this.emit(partial.slice(0, nl + 1));
          partial = partial.slice(nl + 1);
        }
        if (partial.length > MAX_LINE) {
          this.emit(`${partial}\n`);
          partial = "";
        }
      },
      end: () => {
        partial += decoder.decode();
        if (partial) this.emit(`${partial}\n`);
        partial = "";
      },
    };
  }

  /** A line from the supervisor itself (started, exited, restarting), marked so it stands out. */
  note(text: string): void {
    this.emit(`-- aios: ${new Date().toISOString()} ${text}\n`);
  }

  /** Writes complete lines to the file (rotating at the cap) and the tail. */
  private emit(text: string): void {
    try {
      let rest = this.encoder.encode(text);
      while (rest.length > 0) {
        if (this.size >= this.maxBytes) this.rotate();
        const part = rest.subarray(0, this.maxBytes - this.size);
        this.size += writeSync(this.open(), part);
        rest = rest.subarray(part.length);
      }
    } catch {
      // A full or vanished disk must not take the supervisor down; the tail still works.
    }
    for (const line of text.slice(0, -1).split("\n")) this.lines.push(line);
    if (this.lines.length > this.tailLines) this.lines.splice(0, this.lines.length - this.tailLines);
  }

  private open(): number {
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "a", 0o640);
      this.size = fstatSync(this.fd).size;
      // log.rotate renamed the file away: the next line opens the new one.
      this.unregister ??= onRotate(this.path, () => this.close());
    }
    return this.fd;
  }

  private rotate(): void {
    this.close();
    renameSync(this.path, `${this.path}.1`);
    this.size = 0;
  }

  /** The last `n` lines. */
  tail(n = this.tailLines): string[] {
    return n <= 0 ? [] : this.lines.slice(-n);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.unregister?.();
    this.unregister = undefined;
  }
}
