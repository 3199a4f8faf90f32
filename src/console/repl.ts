/**
 * The REPL on the serial console. On a terminal it puts the line in raw mode
 * and edits lines itself (lineedit.ts), so backspace and ^C behave over a bare
 * serial line; on a pipe it reads plain lines, which is how tests drive it.
 *
 * It never blocks: commands run one at a time, but ^C always gives the
 * prompt back (the command is told through its signal and may go on in the
 * background), and whatever a command prints after it returned or was left
 * (a goal's progress and answer) goes above the prompt, as log lines do.
 */
import { setSink } from "../sys";
import type { Command, ConsoleDeps } from "./command";
import { feed, initialState, type EditorEvent, type EditorState } from "./lineedit";

export interface TerminalInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: "data", fn: (chunk: Buffer | string) => void): unknown;
  off(event: "data", fn: (chunk: Buffer | string) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

export interface ReplOptions {
  input: TerminalInput;
  output: { write(text: string): unknown };
  commands: readonly Command[];
  deps: ConsoleDeps;
  prompt?: string;
}

export const PROMPT = "aios> ";

/** Splits a command line into words; "double quotes" group words and may contain escaped quotes. */
export function splitWords(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!));
}

/** The command that has the console now; `release` gives the prompt back, whether it finished or was left. */
interface Job {
  attached: boolean;
  controller: AbortController;
  release(): void;
}

export class Repl {
  private state: EditorState = initialState();
  private readonly prompt: string;
  private readonly echo: boolean;
  private queue: Promise<void> = Promise.resolve();
  private busy = false;
  private current?: Job;
  private active = false;
  private restoreSink?: (line: string) => void;
  private readonly onData = (chunk: Buffer | string) => this.handle(String(chunk));

  constructor(private readonly opts: ReplOptions) {
    this.prompt = opts.prompt ?? PROMPT;
    this.echo = Boolean(opts.input.isTTY);
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.restoreSink = setSink((line) => this.printAbove(line));
    this.attach();
    this.showPrompt();
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.detach();
    if (this.restoreSink) setSink(this.restoreSink);
  }

  /** Hands the console to another program (a shell) until `fn` settles, then takes it back. */
  async lend<T>(fn: () => Promise<T>): Promise<T> {
    this.detach();
    try {
      return await fn();
    } finally {
      if (this.active) this.attach();
    }
  }

  private attach(): void {
    if (this.echo) this.opts.input.setRawMode?.(true);
    this.opts.input.on("data", this.onData);
    this.opts.input.resume();
  }

  private detach(): void {
    this.opts.input.off("data", this.onData);
    this.opts.input.pause();
    if (this.echo) this.opts.input.setRawMode?.(false);
  }

  private write(text: string): void {
    this.opts.output.write(text);
  }

  private showPrompt(): void {
    this.write(this.prompt + this.state.buffer);
  }

  /** A log line arriving while the user types: clear the line, print, redraw what they typed. */
  private printAbove(line: string): void {
    if (!this.echo || this.busy) {
      this.write(`${line}\n`);
      return;
    }
    this.write(`\r\x1b[K${line}\n`);
    this.showPrompt();
  }

  private handle(chunk: string): void {
    const { state, events } = feed(this.state, chunk);
    this.state = state;
    for (const e of events) this.apply(e);
  }

  private apply(e: EditorEvent): void {
    switch (e.type) {
      case "echo":
        if (this.echo) this.write(e.text);
        break;
      case "redraw":
        if (this.echo) this.write(`\r\x1b[K${this.prompt}${this.state.buffer}`);
        break;
      case "interrupt":
        // ^C leaves the command (it is told, and may finish in the background) and gives the prompt back.
        if (this.current) {
          this.current.controller.abort(new Error("interrupted (^C)"));
          this.current.release();
        } else this.showPrompt();
        break;
      case "eof":
        break; // the console of PID 1 cannot be logged out of
      case "line":
        this.queue = this.queue.then(() => this.execute(e.line));
        break;
    }
  }

  /** Resolves when the command finished or was left with ^C: the next line may run then. */
  private execute(line: string): Promise<void> {
    const words = splitWords(line.trim());
    if (!words.length) {
      if (this.active) this.showPrompt();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const job: Job = {
        attached: true,
        controller: new AbortController(),
        release: () => {
          if (!job.attached) return;
          job.attached = false;
          this.busy = false;
          this.current = undefined;
          if (this.active) this.showPrompt();
          resolve();
        },
      };
      this.current = job;
      this.busy = true;
      void this.runCommand(words[0]!, words.slice(1), line.trim().slice(words[0]!.length).trim(), job).finally(job.release);
    });
  }

  /** `raw` is the line after the command name, unsplit (JSON with spaces stays whole). */
  async runCommand(name: string, args: string[], raw = args.join(" "), job?: Job): Promise<void> {
    // While it has the console a command prints plainly; once it returned or was left, above the prompt.
    const print = (text: string) => (!job || job.attached ? this.write(`${text}\n`) : this.printAbove(text));
    const command = this.opts.commands.find((c) => c.name === name);
    if (!command) {
      print(`${name}: unknown command; type help for the list`);
      return;
    }
    try {
      await command.run(args, { print, deps: this.opts.deps, commands: this.opts.commands, raw, signal: job?.controller.signal });
    } catch (err) {
      print(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
