/**
 * A server-sent events reader over fetch, for the console (in the browser,
 * when it holds a bearer token) and the CLI: both send a header, which
 * EventSource cannot. It keeps `id` for Last-Event-ID, which the gateway's
 * reader (gateway/sse.ts, for providers' streams) has no use for. Follows
 * the WHATWG parsing rules that matter here: `event`, `data` (joined by
 * newlines), `id`, comment lines (heartbeats) ignored, an event dispatched at
 * a blank line.
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

  push(chunk: string): void {
    this.buf += chunk;
    for (;;) {
      const nl = this.buf.search(/\r\n|\r|\n/);
      if (nl < 0) return;
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + (this.buf.startsWith("\r\n", nl) ? 2 : 1));
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length || this.event) {
        const e: SseEvent = { event: this.event || "message", data: this.data.join("\n") };
        if (this.id !== undefined) e.id = this.id;
        this.event = "";
        this.data = [];
        this.onEvent(e);
      }
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
