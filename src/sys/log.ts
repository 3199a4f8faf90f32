/**
 * The console log. Lines go to a sink (stderr by default; the REPL swaps in a
 * sink that redraws its prompt) and, once the data disk is up, to a log file.
 */
import { appendFileSync } from "node:fs";

export const LEVELS = ["debug", "info", "warn", "error"] as const;
export type Level = (typeof LEVELS)[number];

type Sink = (line: string) => void;

let threshold: Level = "info";
let sink: Sink = (line) => process.stderr.write(`${line}\n`);
let file: string | undefined;

export function setLevel(level: Level): void {
  threshold = level;
}

export function setSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

export function logToFile(path: string | undefined): void {
  file = path;
}

function emit(level: Level, msg: string): void {
  if (LEVELS.indexOf(level) < LEVELS.indexOf(threshold)) return;
  const line = level === "info" ? `aios: ${msg}` : `aios: ${level}: ${msg}`;
  sink(line);
  if (file) {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${level} ${msg}\n`);
    } catch {
      file = undefined; // a full or vanished disk must not take the console down with it
    }
  }
}

export const log = {
  debug: (msg: string) => emit("debug", msg),
  info: (msg: string) => emit("info", msg),
  warn: (msg: string) => emit("warn", msg),
  error: (msg: string) => emit("error", msg),
  /** A line that is printed whatever the level: the ready line, the token. */
  always: (msg: string) => sink(`aios: ${msg}`),
};
