/** Bounded, seeded fuzzing of the serial line editor (issue 11): no input throws, grows state without bound, or depends on how it was chunked. */
import { expect, test } from "bun:test";
import { fuzzSeed, rng } from "../sys/fuzz.testing";
import { type EditorEvent, type EditorState, feed, initialState } from "./lineedit";

const SEED = fuzzSeed(11);
const PIECES = ["a", "Z", "é", "日", "\u{1F600}", " ", "\x1b", "[", "A", "B", "C", "D", "O", "~", "1", ";", "\r", "\n", "\r\n", "\x7f", "\b", "\x03", "\x15", "\x04", "\x00", "\x1b[A", "\x1b[B", "\x1b[1;5C", "\x1bO", "\t", "\ufffd"];

/** Chunks cut between code points, as the REPL's streaming TextDecoder delivers them. */
function run(input: string, chunks: number[], history: string[]): { state: EditorState; events: EditorEvent[] } {
  let state = initialState(history);
  const events: EditorEvent[] = [];
  const points = Array.from(input);
  let at = 0;
  for (const size of [...chunks, points.length]) {
    const r = feed(state, points.slice(at, at + size).join(""));
    at += size;
    state = r.state;
    events.push(...r.events);
    if (at >= points.length) break;
  }
  return { state, events };
}

test(`the line editor under 2,000 random inputs (seed ${SEED})`, () => {
  const r = rng(SEED);
  const t0 = performance.now();
  for (let i = 0; i < 2000 && performance.now() - t0 < 4000; i++) {
    const len = 1 + r.int(200);
    let input = "";
    for (let j = 0; j < len; j++) input += r.chance(0.05) ? String.fromCharCode(r.int(0x3000)) : r.pick(PIECES);
    const history = Array.from({ length: r.int(5) }, (_, k) => `h${k}`);
    const whole = run(input, [], history);
    const chunked = run(input, Array.from({ length: 1 + r.int(10) }, () => 1 + r.int(20)), history);
    const lines = (e: EditorEvent[]) => e.filter((x) => x.type === "line" || x.type === "interrupt" || x.type === "eof");
    // The same bytes give the same lines however the serial line cut them.
    expect({ seed: SEED, i, lines: lines(chunked.events) }).toEqual({ seed: SEED, i, lines: lines(whole.events) });
    expect(chunked.state.buffer).toBe(whole.state.buffer);
    // State stays bounded and clean: no control byte reaches the buffer, an escape sequence never grows long.
    for (const s of [whole.state, chunked.state]) {
      expect(/[\x00-\x08\x0a-\x1f\x7f]/.test(s.buffer)).toBe(false);
      expect((s.escape ?? "").length).toBeLessThanOrEqual(16);
      expect(s.history.length).toBeLessThanOrEqual(105);
    }
  }
}, 15_000); // the loop stops itself at 4 s
