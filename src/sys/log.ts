/**
 * The console log. Lines go to a sink (stderr by default; the REPL swaps in a
 * sink that redraws its prompt) and, once the data disk is up, to a log file.
 * The file stays open; a rotation (rotate.ts) makes it reopen in the same
 * synchronous step as the rename, so no line lands in a renamed file. Past a
 * size cap (`capLogFile`) it asks for a rotation, once, outside the write.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { closeSync, fstatSync, openSync, writeSync } from "node:fs";
import { onRotate } from "./rotate";

export const LEVELS = ["debug", "info", "warn", "error"] as const;
export type Level = (typeof LEVELS)[number];
/** `[log] format`: "text" (`aios: warn: …` on the console, `ISO level …` in the file) or "json" (one object per line in both). */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

type Sink = (line: string) => void;

let threshold: Level = "info";
let format: LogFormat = "text";
let sink: Sink = (line) => process.stderr.write(`${line}\n`);
let file: string | undefined;

export function setLevel(level: Level): void {
  threshold = level;
}

/** True when a line of this level would be written: callers skip building costly messages otherwise. */
export function logEnabled(level: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(threshold);
}

export function setLogFormat(next: LogFormat): void {
  format = next;
}

/** The ids a JSON line carries when they are known where it is logged. */
export interface LogFields {
  requestId?: string;
  goalId?: number;
  callId?: string;
  correlationId?: string;
}

const context = new AsyncLocalStorage<LogFields>();

/**
 * Runs `fn` with these ids added to every JSON log line it (and what it
 * awaits) writes. Only the JSON format prints them, so in text format this is
 * a plain call: the request path does not pay for a context it never shows.
 */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  if (format !== "json") return fn();
  const outer = context.getStore();
  return context.run(outer ? { ...outer, ...fields } : fields, fn);
}

/** `component: rest` — the prefix every subsystem puts on its lines ("api: …", "tools: …"). */
const COMPONENT = /^([a-z][a-z0-9_.-]{0,31}): /;

function jsonLine(level: Level | "always", msg: string): string {
  const m = COMPONENT.exec(msg);
  const o: Record<string, unknown> = { time: new Date().toISOString(), level: level === "always" ? "info" : level, component: m ? m[1] : "aios", msg: m ? msg.slice(m[0].length) : msg };
  const f = context.getStore();
  if (f) Object.assign(o, f);
  return JSON.stringify(o);
}

export function setSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

let fd: number | undefined;
let size = 0;
let unregister: (() => void) | undefined;
let cap: { maxBytes: number; full: () => void } | undefined;
let asked = false;

function closeFile(): void {
  try {
    if (fd !== undefined) closeSync(fd);
  } catch {
    // already closed
  }
  fd = undefined;
  asked = false;
}

export function logToFile(path: string | undefined): void {
  closeFile();
  unregister?.();
  unregister = path === undefined ? undefined : onRotate(path, closeFile);
  file = path;
}

/** The log file lines go to, if any. */
export function logFile(): string | undefined {
  return file;
}

/** Calls `full` (later, once per file) when the log file reaches `maxBytes`; undefined removes the cap. */
export function capLogFile(next: { maxBytes: number; full: () => void } | undefined): void {
  cap = next;
  asked = false;
}

function writeFile(text: string): void {
  if (fd === undefined) {
    fd = openSync(file!, "a", 0o640);
    size = fstatSync(fd).size;
  }
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
  size += buf.length;
  if (cap && !asked && size >= cap.maxBytes) {
    asked = true;
    const full = cap.full;
    // Not from inside a write: the rotation itself may log.
    setTimeout(full, 0);
  }
}

function emit(level: Level, msg: string): void {
  if (LEVELS.indexOf(level) < LEVELS.indexOf(threshold)) return;
  const json = format === "json" ? jsonLine(level, msg) : undefined;
  sink(json ?? (level === "info" ? `aios: ${msg}` : `aios: ${level}: ${msg}`));
  if (file) {
    try {
      writeFile(json === undefined ? `${new Date().toISOString()} ${level} ${msg}\n` : `${json}\n`);
    } catch {
      logToFile(undefined); // a full or vanished disk must not take the console down with it
    }
  }
}

/** A line for the log file only (none before the data disk is up): frequent, minor news that must not flood the console. */
export function logToFileOnly(level: Level, msg: string): void {
  if (!file || LEVELS.indexOf(level) < LEVELS.indexOf(threshold)) return;
  try {
    writeFile(format === "json" ? `${jsonLine(level, msg)}\n` : `${new Date().toISOString()} ${level} ${msg}\n`);
  } catch {
    logToFile(undefined);
  }
}

export const log = {
  debug: (msg: string) => emit("debug", msg),
  info: (msg: string) => emit("info", msg),
  warn: (msg: string) => emit("warn", msg),
  error: (msg: string) => emit("error", msg),
  /** A line that is printed whatever the level: the ready line, the token. */
  always: (msg: string) => sink(format === "json" ? jsonLine("always", msg) : `aios: ${msg}`),
};
