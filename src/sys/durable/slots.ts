/**
 * A small record rewritten in place, durably and cheaply: two fixed 512-byte
 * slots written alternately, each with a generation number and a checksum,
 * the way file systems keep two superblocks. A write overwrites the older
 * slot and fdatasyncs (the size never changes, so no journal commit is
 * needed); a write torn by a power cut only damages that slot, and a reader
 * takes the valid slot with the higher generation. The audit ledger anchors
 * its head here.
 */
import { closeSync, constants, existsSync, openSync, readSync, writeSync } from "node:fs";
import { fdatasyncFd, writeFileDurable } from "./files";
import { fdatasyncAsync } from "./group";

const SLOT = 512;
const MAGIC = "aios-slot";

function checksum(gen: number, payload: string): string {
  return (Bun.CryptoHasher.hash("sha256", `${gen}\0${payload}`, "hex") as string).slice(0, 16);
}

function encode(gen: number, payload: string): Buffer {
  if (payload.includes("\n")) throw new Error("slot file: the payload must be one line");
  const line = `${MAGIC} ${gen} ${checksum(gen, payload)} ${payload}\n`;
  const buf = Buffer.alloc(SLOT, 0x20);
  if (buf.write(line) < Buffer.byteLength(line)) throw new Error(`slot file: the payload must fit in ${SLOT - 64} bytes`);
  return buf;
}

function decode(buf: Buffer): { gen: number; payload: string } | null {
  const text = buf.toString("utf8");
  const end = text.indexOf("\n");
  const m = end < 0 ? null : /^aios-slot (\d+) ([0-9a-f]{16}) (.*)$/.exec(text.slice(0, end));
  if (!m) return null;
  const gen = Number(m[1]);
  return checksum(gen, m[3]!) === m[2] ? { gen, payload: m[3]! } : null;
}

export class SlotFile {
  private gen: number;
  private current: string | null;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    let best: { gen: number; payload: string } | null = null;
    for (const slot of [0, 1]) {
      const buf = Buffer.alloc(SLOT);
      const n = readSync(fd, buf, 0, SLOT, slot * SLOT);
      const got = n === SLOT ? decode(buf) : null;
      if (got && (!best || got.gen > best.gen)) best = got;
    }
    this.gen = best?.gen ?? 0;
    this.current = best?.payload ?? null;
  }

  /** Opens `path`, creating it (both slots empty, made durable) when missing. */
  static open(path: string): SlotFile {
    if (!existsSync(path)) {
      writeFileDurable(path, Buffer.alloc(2 * SLOT, 0x20), { mode: 0o600 });
    }
    return new SlotFile(path, openSync(path, constants.O_RDWR));
  }

  /** The payload of the newest valid slot; null when none was ever written. */
  read(): string | null {
    return this.current;
  }

  private put(payload: string): { buf: Buffer; at: number } {
    if (this.closed) throw new Error(`${this.path}: closed`);
    const gen = ++this.gen;
    this.current = payload;
    return { buf: encode(gen, payload), at: (gen % 2) * SLOT };
  }

  /** Writes the next generation and fdatasyncs it on the thread pool; writes run one at a time, in order. */
  write(payload: string): Promise<void> {
    const run = this.tail.then(async () => {
      const { buf, at } = this.put(payload);
      writeSync(this.fd, buf, 0, SLOT, at);
      await fdatasyncAsync(this.fd);
    });
    this.tail = run.catch(() => {});
    return run;
  }

  /** The same, blocking (shutdown, rare writes). */
  writeSync(payload: string): void {
    const { buf, at } = this.put(payload);
    writeSync(this.fd, buf, 0, SLOT, at);
    fdatasyncFd(this.fd);
  }

  /** Waits for writes in flight, then closes. */
  async close(): Promise<void> {
    await this.tail;
    this.closeSync();
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
