import { describe, expect, test } from "bun:test";
import { readSse, type SseEvent } from "./sse";

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(enc.encode(x));
      c.close();
    },
  });
}

async function all(chunks: string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(body(chunks))) out.push(e);
  return out;
}

describe("readSse", () => {
  test("named events, default name, multi-line data, comments", async () => {
    expect(await all(["event: ping\ndata: {}\n\n", ": keep-alive\n\ndata: a\ndata: b\n\n", "data:nospace\n\n"])).toEqual([
      { event: "ping", data: "{}" },
      { event: "message", data: "a\nb" },
      { event: "message", data: "nospace" },
    ]);
  });

  test("lines split anywhere across chunks, CRLF and CR endings, multi-byte characters split", async () => {
    const text = "event: content_block_delta\r\ndata: {\"t\":\"é€\"}\r\n\r\nevent: x\rdata: y\r\r";
    const bytes = new TextEncoder().encode(text);
    const enc = new TextDecoder();
    void enc;
    const one: string[] = [];
    for (let i = 0; i < bytes.length; i++) one.push(String.fromCharCode(bytes[i]!));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i++) c.enqueue(bytes.slice(i, i + 1));
        c.close();
      },
    });
    const out: SseEvent[] = [];
    for await (const e of readSse(stream)) out.push(e);
    expect(out).toEqual([
      { event: "content_block_delta", data: '{"t":"é€"}' },
      { event: "x", data: "y" },
    ]);
  });

  test("an event cut off by the end of the stream is dropped", async () => {
    expect(await all(["data: whole\n\n", "data: half"])).toEqual([{ event: "message", data: "whole" }]);
  });

  test("stopping early cancels the body", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode("data: x\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readSse(stream)) break;
    expect(cancelled).toBe(true);
  });
});
