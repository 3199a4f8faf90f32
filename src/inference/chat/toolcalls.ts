/**
 * Reads tool calls out of a model's text as it streams, in one of the
 * formats of formats.ts: plain text becomes content; a call becomes a start
 * event (its name) followed by pieces of its arguments' JSON text, as soon as
 * they are generated, which is how OpenAI streams `delta.tool_calls`. The same
 * parser reads a whole answer at once (feed everything, then end()).
 *
 * A small JSON scanner (strings, escapes, nesting) finds the call objects'
 * keys and the extent of the arguments; it does not validate the arguments
 * (a constrained decode already guarantees them; an unconstrained one is
 * parsed with JSON.parse when the call closes, and a call that does not parse
 * is dropped and reported in `errors`).
 */
import type { ToolFormat } from "./formats";

export type ToolCallEvent =
  | { type: "content"; text: string }
  | { type: "call"; index: number; name: string }
  | { type: "arguments"; index: number; text: string };

export interface ParsedToolCall {
  name: string;
  /** The arguments as JSON text (OpenAI's `function.arguments`). */
  arguments: string;
}

type Mode = "content" | "body" | "after";

export class ToolCallParser {
  readonly calls: ParsedToolCall[] = [];
  readonly errors: string[] = [];
  private mode: Mode = "content";
  private pending = "";
  private seenContent = false;
  // JSON scanner state (body mode).
  private depth = 0;
  private inString = false;
  private escape = false;
  private expectKey = false;
  private token = "";
  private key = "";
  private capture: "" | "name" | "args" = "";
  private raw = "";
  // The call being read.
  private name: string | undefined;
  private args = "";
  private argsSent = 0;
  private started = false;
  private callText = "";

  constructor(private readonly format: ToolFormat) {}

  private get callDepth(): number {
    return this.format.array ? 2 : 1;
  }

  /** Feeds text; returns what it now knows. */
  push(text: string): ToolCallEvent[] {
    const out: ToolCallEvent[] = [];
    this.pending += text;
    while (this.pending) {
      const before = this.pending.length;
      if (this.mode === "content") this.scanContent(out, false);
      else if (this.mode === "after") this.scanAfter();
      else this.scanBody(out);
      if (this.pending.length === before) break;
    }
    return out;
  }

  /** Flushes held text at the end of the output. */
  end(): ToolCallEvent[] {
    const out: ToolCallEvent[] = [];
    if (this.mode === "content") this.scanContent(out, true);
    else if (this.mode === "body" && this.depth > 0) this.errors.push(`an unfinished tool call (${this.callText.length} characters)`);
    this.pending = "";
    return out;
  }

  private emitContent(out: ToolCallEvent[], text: string): void {
    if (!text) return;
    if (text.trim()) this.seenContent = true;
    const last = out.at(-1);
    if (last?.type === "content") last.text += text;
    else out.push({ type: "content", text });
  }

  private enterBody(): void {
    this.mode = "body";
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  private scanContent(out: ToolCallEvent[], final: boolean): void {
    const begin = this.format.begin;
    if (!begin) {
      // llama3: a call is the whole message, a JSON object from its first character on.
      if (!this.seenContent && this.calls.length === 0) {
        const lead = this.pending.replace(/^\s+/, "").replace(/^<\|python_tag\|>/, "");
        if (lead.startsWith("{")) {
          this.pending = lead;
          this.enterBody();
          return;
        }
        if (!final && (!lead || "<|python_tag|>".startsWith(lead))) return;
      }
      this.emitContent(out, this.pending);
      this.pending = "";
      return;
    }
    const at = this.pending.indexOf(begin);
    if (at >= 0) {
      this.emitContent(out, this.pending.slice(0, at));
      this.pending = this.pending.slice(at + begin.length);
      this.enterBody();
      return;
    }
    // Hold back a tail that may be the start of the marker.
    let hold = 0;
    if (!final) for (let k = Math.min(begin.length - 1, this.pending.length); k > 0; k--) if (begin.startsWith(this.pending.slice(-k))) {
      hold = k;
      break;
    }
    this.emitContent(out, this.pending.slice(0, this.pending.length - hold));
    this.pending = this.pending.slice(this.pending.length - hold);
  }

  private scanAfter(): void {
    // hermes: whitespace, then the closing marker; llama3: `;` between calls.
    const end = this.format.end;
    const trimmed = this.pending.replace(/^[\s;]+/, "");
    if (end) {
      if (trimmed.startsWith(end)) {
        this.pending = trimmed.slice(end.length);
        this.mode = "content";
      } else if (end.startsWith(trimmed)) this.pending = trimmed;
      else {
        this.pending = trimmed;
        this.mode = "content";
      }
      return;
    }
    if (trimmed.startsWith("{") && !this.format.array) {
      this.pending = trimmed;
      this.enterBody();
    } else if (trimmed) {
      this.pending = trimmed;
      this.mode = "content";
      this.seenContent = true;
    } else this.pending = "";
  }

  private startCall(out: ToolCallEvent[]): void {
    if (this.started || this.name === undefined) return;
    this.started = true;
    out.push({ type: "call", index: this.calls.length, name: this.name });
  }

  private streamArgs(out: ToolCallEvent[]): void {
    // String-valued arguments are decoded at the end; objects stream as they come.
    if (!this.started || this.args.startsWith('"') || this.argsSent >= this.args.length) return;
    out.push({ type: "arguments", index: this.calls.length, text: this.args.slice(this.argsSent) });
    this.argsSent = this.args.length;
  }

  private finishCall(out: ToolCallEvent[]): void {
    let args = this.args.trim() || "{}";
    try {
      const parsed = JSON.parse(args);
      if (typeof parsed === "string") args = parsed;
      const value = typeof parsed === "string" ? JSON.parse(parsed) : parsed;
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("arguments are not an object");
    } catch (err) {
      this.errors.push(`tool call ${this.name ?? "(no name)"}: ${(err as Error).message}`);
      this.resetCall();
      return;
    }
    if (this.name === undefined) {
      this.errors.push("a tool call without a name");
      this.resetCall();
      return;
    }
    this.startCall(out);
    if (this.argsSent === 0 || this.args.startsWith('"')) out.push({ type: "arguments", index: this.calls.length, text: args });
    else if (this.argsSent < this.args.length) this.streamArgs(out);
    this.calls.push({ name: this.name, arguments: this.args.startsWith('"') ? args : this.args.trim() });
    this.resetCall();
  }

  private resetCall(): void {
    this.name = undefined;
    this.args = "";
    this.argsSent = 0;
    this.started = false;
    this.callText = "";
    this.capture = "";
    this.key = "";
  }

  private scanBody(out: ToolCallEvent[]): void {
    const text = this.pending;
    this.pending = "";
    const cd = this.callDepth;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.depth >= cd) this.callText += ch;
      // The arguments value: everything from its first character until it closes at the call's depth.
      if (this.capture === "args") {
        const closesAtCall = !this.inString && this.depth === cd && (ch === "," || ch === "}");
        const leading = !this.args && /\s/.test(ch);
        if (!closesAtCall && !leading) this.args += ch;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (ch === "\\") this.escape = true;
        else if (ch === '"') this.inString = false;
        if (this.depth === cd && this.capture !== "args") {
          if (this.inString || this.escape || ch === "\\") this.token += ch;
          else if (this.endString()) this.startCall(out);
        }
        continue;
      }
      if (ch === '"') {
        this.inString = true;
        if (this.depth === cd && this.capture !== "args") this.token = "";
        continue;
      }
      if (ch === "{" || ch === "[") {
        this.depth++;
        if (this.depth === cd) {
          if (ch !== "{") {
            this.errors.push("a tool call that is not a JSON object");
            this.pending = text.slice(i + 1);
            this.mode = "content";
            return;
          }
          this.resetCall();
          this.expectKey = true;
        }
      } else if (ch === "}" || ch === "]") {
        if (this.depth === cd && this.capture === "args") this.capture = "";
        if (this.depth === cd) this.finishCall(out);
        this.depth--;
        if (this.depth === 0) {
          this.pending = text.slice(i + 1);
          this.mode = "after";
          return;
        }
      } else if (this.depth === cd) {
        if (ch === ":") {
          this.expectKey = false;
          this.capture = this.key === "name" ? "name" : this.key === this.format.argsKey || this.key === "arguments" ? "args" : "";
        } else if (ch === ",") {
          if (this.capture === "args") this.capture = "";
          this.expectKey = true;
        }
      }
      if (this.capture === "args") this.streamArgs(out);
    }
    if (this.capture === "args") this.streamArgs(out);
  }

  /** A key or a value string at the call's depth has closed; true when it was the name. */
  private endString(): boolean {
    const value = this.token;
    this.token = "";
    if (this.expectKey) this.key = value;
    else if (this.capture === "name") {
      try {
        this.name = JSON.parse(`"${value}"`);
      } catch {
        this.name = value;
      }
      this.capture = "";
      return true;
    }
    return false;
  }
}
