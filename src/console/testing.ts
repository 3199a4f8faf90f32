/**
 * A terminal for tests: an input that emits what is "typed" (raw mode and
 * pause/resume recorded) and an output that keeps what was written, so a
 * test drives the REPL as a person at the serial console would.
 */
import { EventEmitter } from "node:events";

export class FakeInput extends EventEmitter {
  raw: boolean[] = [];
  paused = 0;
  resumed = 0;
  constructor(readonly isTTY: boolean) {
    super();
  }
  setRawMode(raw: boolean) {
    this.raw.push(raw);
    return this;
  }
  pause() {
    this.paused++;
    return this;
  }
  resume() {
    this.resumed++;
    return this;
  }
  type(text: string) {
    this.emit("data", Buffer.from(text));
  }
}

/** What a terminal shows of the REPL's output (it clears a line only with CR + erase-line), one string per screen line. */
export function screen(written: string): string[] {
  const lines: string[] = [""];
  for (const part of written.split(/(\r\x1b\[K|\n|\b \b)/)) {
    if (part === "\n") lines.push("");
    else if (part === "\r\x1b[K") lines[lines.length - 1] = "";
    else if (part === "\b \b") lines[lines.length - 1] = lines.at(-1)!.slice(0, -1);
    else lines[lines.length - 1] += part;
  }
  return lines;
}
