/**
 * Server-sent events as the WHATWG spec reads them: lines end in CRLF, LF or
 * CR; `event:` names the event, `data:` lines join with newlines, `id:` sets
 * the last event id (for Last-Event-ID on a reconnect), lines starting with
 * `:` are comments (heartbeats), a blank line dispatches. An event cut off by
 * the end of the stream is dropped, so a truncated stream shows up as a
 * missing terminal event, which the provider modules check for.
 *
 * One parser for every reader: the gateway's (providers' streams), the CLI's
 * and the web console's (both send a bearer header, which EventSource cannot).
 * Pure code with no server dependency, so the console's bundle can hold it.
 */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export class SseParser {
  private buf = "";
  private event = "";
  private data: string[] = [];
  private id: string | undefined;
  /** The last id seen, for Last-Event-ID on a reconnect. */
  lastId: string | undefined;

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  /** Text as it arrives; events are dispatched as their blank line is read. */
  push(chunk: string): void {
    this.buf += chunk;
    this.drain(false);
  }

  /** The stream ended: a CR left at the very end was a whole line end (an event not yet dispatched is dropped). */
  end(): void {
    this.drain(true);
  }

  private drain(final: boolean): void {
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) return;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (m[0] === "\r" && m.index === this.buf.length - 1 && !final) return;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length) {
        const e: SseEvent = { event: this.event || "message", data: this.data.join("\n") };
        if (this.id !== undefined) e.id = this.id;
        this.onEvent(e);
      }
      this.event = "";
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = this.lastId = value;
  }
}

/** `onChunk` runs for every chunk read, events or not (pings, comments): a stream deadline's heartbeat. */
export async function* readSse(body: ReadableStream<Uint8Array>, onChunk?: () => void): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const ready: SseEvent[] = [];
  const parser = new SseParser((e) => ready.push(e));
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      onChunk?.();
      if (done) {
        parser.push(decoder.decode());
        parser.end();
      } else parser.push(decoder.decode(value, { stream: true }));
      yield* ready.splice(0);
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    // A consumer that stops early (or an error) must not leave the connection open.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
