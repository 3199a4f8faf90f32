/**
 * Server-sent events as the WHATWG spec reads them: lines end in CRLF, LF or
 * CR; `event:` names the event, `data:` lines join with newlines, lines
 * starting with `:` are comments, a blank line dispatches. An event cut off by
 * the end of the stream is dropped, so a truncated stream shows up as a
 * missing terminal event, which the provider modules check for.
 */

export interface SseEvent {
  event: string;
  data: string;
}

/** `onChunk` runs for every chunk read, events or not (pings, comments): a stream deadline's heartbeat. */
export async function* readSse(body: ReadableStream<Uint8Array>, onChunk?: () => void): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];

  function* lines(final: boolean): Generator<string> {
    for (;;) {
      const m = /\r\n|\r|\n/.exec(buffer);
      if (!m) return;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (m[0] === "\r" && m.index === buffer.length - 1 && !final) return;
      const line = buffer.slice(0, m.index);
      buffer = buffer.slice(m.index + m[0].length);
      yield line;
    }
  }

  function field(line: string): SseEvent | undefined {
    if (line === "") {
      const out = data.length ? { event: event || "message", data: data.join("\n") } : undefined;
      event = "";
      data = [];
      return out;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "event") event = value;
    else if (name === "data") data.push(value);
    return;
  }

  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      onChunk?.();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (const line of lines(done)) {
        const ev = field(line);
        if (ev) yield ev;
      }
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
