/**
 * A line editor for a raw serial line, as pure state transitions: bytes in,
 * events out. No terminal is needed to test it. Handles printable text,
 * backspace (DEL or ^H), ^C, ^U, ^D, CR/LF/CRLF, and up/down history; other
 * escape sequences are swallowed so arrow keys never print garbage.
 */
export interface EditorState {
  buffer: string;
  /** Bytes of an escape sequence seen so far, or null outside one. */
  escape: string | null;
  /** A CR was the last byte: a following LF belongs to the same Enter. */
  afterCR: boolean;
  history: string[];
  /** Position while browsing history; history.length when not browsing. */
  cursor: number;
}

export type EditorEvent =
  | { type: "echo"; text: string }
  | { type: "redraw" }
  | { type: "line"; line: string }
  | { type: "interrupt" }
  | { type: "eof" };

export function initialState(history: string[] = []): EditorState {
  return { buffer: "", escape: null, afterCR: false, history, cursor: history.length };
}

const HISTORY_MAX = 100;
/** Longer than any key's escape sequence (ESC [ 1 ; 5 C is five). */
const ESCAPE_MAX = 16;

function recall(state: EditorState, to: number, events: EditorEvent[]): void {
  if (to < 0 || to > state.history.length || to === state.cursor) return;
  state.cursor = to;
  state.buffer = state.history[to] ?? "";
  events.push({ type: "redraw" });
}

function endEscape(state: EditorState, final: string, events: EditorEvent[]): void {
  state.escape = null;
  if (final === "A") recall(state, state.cursor - 1, events);
  else if (final === "B") recall(state, state.cursor + 1, events);
}

export function feed(prev: EditorState, chunk: string): { state: EditorState; events: EditorEvent[] } {
  const state: EditorState = { ...prev, history: [...prev.history] };
  const events: EditorEvent[] = [];
  for (const ch of chunk) {
    const afterCR = state.afterCR;
    state.afterCR = false;
    if (state.escape !== null) {
      // A byte no escape sequence has (a control, non-ASCII), or one that runs on too long, ends it
      // unfinished; that byte is then read as itself, so a stray ESC [ cannot swallow what follows.
      if (ch < " " || ch > "~" || state.escape.length >= ESCAPE_MAX) state.escape = null;
      else {
        state.escape += ch;
        // ESC [ params final, or ESC O final: the final byte is in @..~
        if (state.escape.length === 1 && ch !== "[" && ch !== "O") state.escape = null;
        else if (state.escape.length > 1 && ch >= "@" && ch <= "~") endEscape(state, ch, events);
        continue;
      }
    }
    switch (ch) {
      case "\x1b":
        state.escape = "";
        break;
      case "\r":
      case "\n": {
        if (ch === "\n" && afterCR) break;
        state.afterCR = ch === "\r";
        const line = state.buffer;
        state.buffer = "";
        if (line.trim() && state.history.at(-1) !== line) state.history.push(line);
        if (state.history.length > HISTORY_MAX) state.history.shift();
        state.cursor = state.history.length;
        events.push({ type: "echo", text: "\n" }, { type: "line", line });
        break;
      }
      case "\x7f":
      case "\b":
        if (state.buffer.length) {
          state.buffer = [...state.buffer].slice(0, -1).join("");
          events.push({ type: "echo", text: "\b \b" });
        }
        break;
      case "\x03":
        state.buffer = "";
        state.cursor = state.history.length;
        events.push({ type: "echo", text: "^C\n" }, { type: "interrupt" });
        break;
      case "\x15":
        state.buffer = "";
        events.push({ type: "redraw" });
        break;
      case "\x04":
        if (!state.buffer) events.push({ type: "eof" });
        break;
      default:
        if (ch >= " ") {
          state.buffer += ch;
          events.push({ type: "echo", text: ch });
        }
    }
  }
  return { state, events };
}
