import { describe, expect, test } from "bun:test";
import { feed, initialState, type EditorEvent, type EditorState } from "./lineedit";

/** Feeds chunks in order, collecting every event. */
function type(chunks: string[], start: EditorState = initialState()): { state: EditorState; events: EditorEvent[] } {
  let state = start;
  const events: EditorEvent[] = [];
  for (const c of chunks) {
    const r = feed(state, c);
    state = r.state;
    events.push(...r.events);
  }
  return { state, events };
}

const lines = (events: EditorEvent[]) => events.filter((e) => e.type === "line").map((e) => (e as { line: string }).line);
const ESC = "\x1b";
const UP = `${ESC}[A`;
const DOWN = `${ESC}[B`;

describe("feed", () => {
  test("a stray ESC [ never swallows what follows (found by the fuzz test, issue 11)", () => {
    expect(lines(type(["\x1b[日本\r"]).events)).toEqual(["日本"]);
    expect(lines(type(["\x1b[1;2;3;4;5;6;7;8;9;0;1;2;3;4;5;6;7x\r"]).events)).toEqual([";9;0;1;2;3;4;5;6;7x"]); // past 16 bytes, read as typed
    expect(type(["\x1b[", "1;5"]).state.escape).toBe("[1;5"); // a sequence cut across chunks still waits for its end
  });

  test("typing echoes each character and fills the buffer", () => {
    const { state, events } = type(["he", "llo"]);
    expect(state.buffer).toBe("hello");
    expect(events).toEqual([..."hello"].map((text) => ({ type: "echo", text })));
  });

  test("feed does not modify the state it is given", () => {
    const before = initialState(["a"]);
    feed(before, "xyz\r");
    expect(before).toEqual({ buffer: "", escape: null, afterCR: false, history: ["a"], cursor: 1 });
  });

  test("backspace as DEL and as ^H removes one character and erases it on screen", () => {
    for (const bs of ["\x7f", "\b"]) {
      const { state, events } = type(["abc", bs]);
      expect(state.buffer).toBe("ab");
      expect(events.at(-1)).toEqual({ type: "echo", text: "\b \b" });
    }
  });

  test("backspace removes a whole non-ASCII character", () => {
    expect(type(["né€", "\x7f"]).state.buffer).toBe("né");
  });

  test("backspace at an empty buffer does nothing", () => {
    const { state, events } = type(["\x7f\b"]);
    expect(state.buffer).toBe("");
    expect(events).toEqual([]);
  });

  test("^C clears the line and emits interrupt", () => {
    const { state, events } = type(["status", "\x03"]);
    expect(state.buffer).toBe("");
    expect(events.slice(-2)).toEqual([{ type: "echo", text: "^C\n" }, { type: "interrupt" }]);
    expect(lines(events)).toEqual([]);
  });

  test("CR, LF and CRLF each end exactly one line", () => {
    expect(lines(type(["one\r"]).events)).toEqual(["one"]);
    expect(lines(type(["one\n"]).events)).toEqual(["one"]);
    expect(lines(type(["one\r\n"]).events)).toEqual(["one"]);
    expect(lines(type(["one\r", "\n"]).events)).toEqual(["one"]); // CRLF split across reads
    expect(lines(type(["a\r\nb\r\nc\n"]).events)).toEqual(["a", "b", "c"]);
  });

  test("a line event is preceded by a newline echo and resets the buffer", () => {
    const { state, events } = type(["ls\r"]);
    expect(events.slice(-2)).toEqual([{ type: "echo", text: "\n" }, { type: "line", line: "ls" }]);
    expect(state.buffer).toBe("");
  });

  test("CR CR and LF LF are two lines each (empty ones)", () => {
    expect(lines(type(["\r\r"]).events)).toEqual(["", ""]);
    expect(lines(type(["\n\n"]).events)).toEqual(["", ""]);
    expect(lines(type(["\n\r"]).events)).toEqual(["", ""]);
  });

  test("^U clears the line and asks for a redraw", () => {
    const { state, events } = type(["reboot", "\x15"]);
    expect(state.buffer).toBe("");
    expect(events.at(-1)).toEqual({ type: "redraw" });
  });

  test("^D on an empty line is eof, ignored otherwise", () => {
    expect(type(["\x04"]).events).toEqual([{ type: "eof" }]);
    const { state, events } = type(["ab\x04"]);
    expect(state.buffer).toBe("ab");
    expect(events.some((e) => e.type === "eof")).toBe(false);
  });

  test("escape sequences are swallowed: arrows, SS3, Delete, F5, Alt-x", () => {
    const { state, events } = type([`a${ESC}[C${ESC}[D${ESC}OC${ESC}[3~${ESC}[15~${ESC}xb`]);
    expect(state.buffer).toBe("ab");
    expect(state.escape).toBeNull();
    expect(events).toEqual([{ type: "echo", text: "a" }, { type: "echo", text: "b" }]);
  });

  test("an escape sequence split across reads is still swallowed", () => {
    const { state, events } = type(["x", ESC, "[", "1;5", "C", "y"]);
    expect(state.buffer).toBe("xy");
    expect(events).toEqual([{ type: "echo", text: "x" }, { type: "echo", text: "y" }]);
  });

  test("other control characters are dropped", () => {
    expect(type(["a\tb\x01\x02c"]).state.buffer).toBe("abc");
  });

  test("up and down recall history; down past the newest gives an empty line", () => {
    let { state } = type(["status\r", "boot -v\r"]);
    expect(state.history).toEqual(["status", "boot -v"]);
    let r = type([UP], state);
    expect(r.state.buffer).toBe("boot -v");
    expect(r.events).toEqual([{ type: "redraw" }]);
    r = type([UP], r.state);
    expect(r.state.buffer).toBe("status");
    r = type([UP], r.state); // nothing older: no change, no redraw
    expect(r.state.buffer).toBe("status");
    expect(r.events).toEqual([]);
    r = type([DOWN], r.state);
    expect(r.state.buffer).toBe("boot -v");
    r = type([DOWN], r.state);
    expect(r.state.buffer).toBe("");
    expect(r.events).toEqual([{ type: "redraw" }]);
    r = type([DOWN], r.state);
    expect(r.events).toEqual([]);
    // SS3 arrows (application cursor mode) work too
    expect(type([`${ESC}OA`], r.state).state.buffer).toBe("boot -v");
  });

  test("a recalled line can be edited and run", () => {
    const { state } = type(["help\r"]);
    const r = type([UP, " boot\r"], state);
    expect(lines(r.events)).toEqual(["help boot"]);
    expect(r.state.history).toEqual(["help", "help boot"]);
  });

  test("history skips blank lines and immediate repeats", () => {
    const { state } = type(["a\r", "\r", "   \r", "a\r", "b\r", "a\r"]);
    expect(state.history).toEqual(["a", "b", "a"]);
    expect(state.cursor).toBe(3);
  });

  test("history keeps the newest 100 entries", () => {
    const { state } = type(Array.from({ length: 105 }, (_, i) => `cmd${i}\r`));
    expect(state.history).toHaveLength(100);
    expect(state.history[0]).toBe("cmd5");
    expect(state.history.at(-1)).toBe("cmd104");
  });

  test("^C while browsing history returns to the newest position", () => {
    const { state } = type(["a\r", "b\r", UP, UP, "\x03"]);
    expect(state.cursor).toBe(2);
    expect(type([UP], state).state.buffer).toBe("b");
  });
});
