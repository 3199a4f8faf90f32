/**
 * The one way aiOS starts a child process. Bun watches its own children through
 * pidfd, so PID 1 must never waitpid() them; the reaper asks `isOwnChild` to
 * leave them alone and reaps only orphans the kernel re-parented to us.
 */
import type { Subprocess, SpawnOptions } from "bun";

const ownChildren = new Set<number>();

export function isOwnChild(pid: number): boolean {
  return ownChildren.has(pid);
}

export function spawn(argv: string[], options: SpawnOptions.OptionsObject<any, any, any> = {}): Subprocess<any, any, any> {
  const child = Bun.spawn(argv, options);
  ownChildren.add(child.pid);
  void child.exited.finally(() => ownChildren.delete(child.pid));
  return child;
}

export interface RunResult { exitCode: number; stdout: string; stderr: string }

/** Runs a command to completion and captures its output; `stdin` is written to it, `signal` kills it. */
export async function run(argv: string[], options: { timeoutMs?: number; env?: Record<string, string>; stdin?: string; signal?: AbortSignal } = {}): Promise<RunResult> {
  const stdin = options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin);
  const child = spawn(argv, { stdout: "pipe", stderr: "pipe", stdin, env: options.env, timeout: options.timeoutMs, signal: options.signal });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout as ReadableStream).text(),
    new Response(child.stderr as ReadableStream).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}
