/**
 * process.spawn: an argument vector, never a shell string, so `;` or `$(...)`
 * in an argument is just text. Either waits (output captured up to a cap, the
 * child killed on timeout or cancellation) or detaches (output to a log file;
 * undo stops what it started). Children go through sys/spawn, so PID 1's
 * orphan reaper never steals their exit status.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { spawn } from "../../sys";
import { clip, indented } from "../summary";
import { formatMs } from "../units";
import { defineTool } from "../define";
import { digestField, secretField } from "../redact";
import { guestPath, undoId } from "../fs/common";
import { resolvePath } from "../fs/paths";
import { ProcessError } from "./errors";
import { readStat, stillRunning } from "./procfs";
import { sandboxFor, wrapArgv } from "./sandbox";
import { waitGone } from "./signal";

const MAX_TIMEOUT = 600_000;
const KILL_GRACE_MS = 1_000;
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** A clean environment: aios-init's own variables are not handed to whatever an agent runs. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? DEFAULT_PATH, HOME: process.env.HOME ?? "/root", LANG: "C.UTF-8" };
}

/** Where a child starts: a guest directory inside the fs roots, or the root itself. */
export function hostCwd(env: Parameters<typeof resolvePath>[0], tool: string, cwd: string | undefined): string {
  return cwd === undefined ? env.root : resolvePath(env, tool, cwd).host;
}

interface Captured {
  text: string;
  truncated: boolean;
}

/** Reads a stream to the end (so the child never blocks on a full pipe) but keeps only the first `max` bytes. */
async function collect(stream: ReadableStream<Uint8Array>, max: number): Promise<Captured> {
  const kept: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of stream) {
    if (size >= max) {
      truncated = true;
      continue;
    }
    const room = max - size;
    if (chunk.length > room) truncated = true;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    kept.push(part);
    size += part.length;
  }
  return { text: Buffer.concat(kept).toString("utf8"), truncated };
}

interface SpawnUndo {
  pid: number;
  startTicks: number;
}

const argv = v.pipe(
  v.array(v.pipe(v.string("must be a string"), v.check((s) => !s.includes("\0"), "must not contain a NUL byte")), "must be an array of strings"),
  v.minLength(1, "must name a program"),
  v.check((a) => (a[0] ?? "") !== "", "must name a program"),
);

export const processSpawn = defineTool({
  name: "process.spawn",
  description: "Run a program from an argument vector (no shell). Waits for it by default, returning exit status and captured output; detach: true leaves it running with output in a log file.",
  input: v.strictObject({
    argv,
    cwd: v.optional(guestPath),
    /** Run as this user (a name, uid or uid:gid), within what [security] allows the agent. */
    user: v.optional(v.pipe(v.string("must be a string"), v.regex(/^[a-z_][a-z0-9_-]{0,31}$|^\d{1,10}(:\d{1,10})?$/, "must be a user name, a uid or uid:gid"))),
    // Environments and input often carry credentials: audited as "[redacted]" and a digest.
    env: v.optional(v.pipe(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a variable name")), v.string()), secretField<Record<string, string>>())),
    stdin: v.optional(v.pipe(v.string(), digestField<string>())),
    timeoutMs: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1"), v.maxValue(MAX_TIMEOUT, `must be at most ${MAX_TIMEOUT}`)), 30_000),
    detach: v.optional(v.boolean(), false),
    maxOutputBytes: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(16 * 1024 * 1024, "must be at most 16777216")), 64 * 1024),
  }),
  output: v.object({
    pid: v.number(),
    detached: v.boolean(),
    exitCode: v.optional(v.nullable(v.number())),
    signal: v.optional(v.nullable(v.string())),
    stdout: v.optional(v.string()),
    stderr: v.optional(v.string()),
    stdoutTruncated: v.optional(v.boolean()),
    stderrTruncated: v.optional(v.boolean()),
    timedOut: v.optional(v.boolean()),
    durationMs: v.optional(v.number()),
    log: v.optional(v.string()),
    /** How it ran: user, no_new_privs, limits, namespaces ([security]); in dev mode, that none of it was applied. */
    sandbox: v.optional(v.string()),
  }),
  risk: "high",
  readOnly: false,
  idempotent: false,
  reversible: true,
  timeoutMs: MAX_TIMEOUT + 5_000,
  async execute(args, ctx) {
    const tool = "process.spawn";
    const cwd = hostCwd(ctx.env, tool, args.cwd);
    const env = { ...baseEnv(), ...args.env };
    const spec = sandboxFor(ctx.env, tool, ctx.agent, args.user);
    const { argv: run, applied: sandbox } = wrapArgv(ctx.env, args.argv, spec);
    const ownGroup = spec.namespaces.length > 0; // a pid namespace's init is unshare's child: stop the whole group
    if (args.detach) {
      const dir = join(ctx.env.paths.log, "spawn");
      mkdirSync(dir, { recursive: true });
      const log = join(dir, `${undoId(ctx.callId)}.log`);
      const fd = openSync(log, "a", 0o640);
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(run, { cwd, env, stdin: "ignore", stdout: fd, stderr: fd, detached: true });
      } catch (err) {
        throw new ProcessError("ENOENT", tool, args.argv[0] as string, (err as Error).message, { cause: err });
      } finally {
        closeSync(fd);
      }
      child.unref();
      const stat = readStat(child.pid);
      // It may already have exited; then there is nothing to undo.
      if (stat) ctx.saveUndo({ pid: child.pid, startTicks: stat.startTicks } satisfies SpawnUndo);
      return { pid: child.pid, detached: true, log, sandbox };
    }
    const started = performance.now();
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(run, { cwd, env, stdin: args.stdin === undefined ? "ignore" : "pipe", stdout: "pipe", stderr: "pipe", detached: ownGroup });
    } catch (err) {
      throw new ProcessError("ENOENT", tool, args.argv[0] as string, (err as Error).message, { cause: err });
    }
    if (args.stdin !== undefined) {
      const sink = child.stdin as import("bun").FileSink;
      sink.write(args.stdin);
      void sink.end();
    }
    let timedOut = false;
    const stop = (why: "timeout" | "abort") => {
      if (why === "timeout") timedOut = true;
      const kill = (sig: NodeJS.Signals) => {
        try {
          if (ownGroup) process.kill(-child.pid, sig);
          else child.kill(sig);
        } catch {
          // already gone
        }
      };
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => stop("timeout"), args.timeoutMs);
    const onAbort = () => stop("abort");
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    try {
      const [out, err, exitCode] = await Promise.all([
        collect(child.stdout as ReadableStream<Uint8Array>, args.maxOutputBytes),
        collect(child.stderr as ReadableStream<Uint8Array>, args.maxOutputBytes),
        child.exited,
      ]);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return {
        pid: child.pid,
        detached: false,
        exitCode: child.signalCode ? null : exitCode,
        signal: child.signalCode === null ? null : String(child.signalCode),
        stdout: out.text,
        stderr: err.text,
        stdoutTruncated: out.truncated,
        stderrTruncated: err.truncated,
        timedOut,
        durationMs: Math.round(performance.now() - started),
        sandbox,
      };
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onAbort);
    }
  },
  async undo(rec: SpawnUndo) {
    if (!stillRunning(rec.pid, rec.startTicks)) return;
    process.kill(rec.pid, "SIGTERM");
    if (await waitGone(rec.pid, rec.startTicks, 3_000)) return;
    if (stillRunning(rec.pid, rec.startTicks)) process.kill(rec.pid, "SIGKILL");
    await waitGone(rec.pid, rec.startTicks, 2_000);
  },
  summarize: (o, args) => {
    const cmd = clip(args.argv.join(" "), 80);
    if (o.detached) return `Started ${cmd} in the background as pid ${o.pid}; its output goes to ${o.log}`;
    const how = o.timedOut ? `was stopped after ${formatMs(o.durationMs ?? 0)} (timed out)` : o.signal ? `was killed by ${o.signal}` : `exited with ${o.exitCode} after ${formatMs(o.durationMs ?? 0)}`;
    const out = (o.stdout ?? "").trim();
    const err = (o.stderr ?? "").trim();
    return [
      `${cmd} ${how}`,
      ...(out ? indented(out.split("\n"), 15) : []),
      ...(err ? ["stderr:", ...indented(err.split("\n"), 10)] : []),
    ].join("\n");
  },
});
