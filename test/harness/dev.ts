/**
 * A dev-mode aiOS for tests that talk to it as a client would (the CLI, the
 * web console): `bun src/main.ts --dev` in a child process with a throwaway
 * state directory, the API on a free loopback port, real HTTP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

const ROOT = resolve(import.meta.dir, "../..");
const READY = /ready in \d+ ms \(api (http:\/\/[^)]+)\)/;

const live = new Set<Subprocess>();
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

export interface DevOptions {
  token?: string;
  /** More arguments for aios-init (--autonomy full, --cmdline "..."). */
  args?: string[];
  /** How long to wait for the ready line (a busy machine is slow). */
  readyMs?: number;
}

export class DevSystem {
  output = "";

  private constructor(
    private readonly proc: Subprocess<"pipe", "pipe", "pipe">,
    readonly state: string,
    readonly token: string,
    readonly url: string,
  ) {}

  static async start(opts: DevOptions = {}): Promise<DevSystem> {
    const state = mkdtempSync(join(tmpdir(), "aios-dev-"));
    const token = opts.token ?? "dev-test-token";
    const proc = Bun.spawn([process.execPath, join(ROOT, "src/main.ts"), "--dev", "--state", state, "--port", "0", "--token", token, ...(opts.args ?? [])], {
      cwd: ROOT,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, NO_COLOR: "1" },
    });
    live.add(proc);
    let output = "";
    const decoder = new TextDecoder();
    const pump = async (s: ReadableStream<Uint8Array>) => {
      for await (const chunk of s) output += decoder.decode(chunk, { stream: true });
    };
    void pump(proc.stdout);
    void pump(proc.stderr);
    const deadline = Date.now() + (opts.readyMs ?? 60_000);
    while (!READY.test(output)) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`dev mode did not get ready (exit ${proc.exitCode}):\n${output.slice(-3000)}`);
      }
      await Bun.sleep(50);
    }
    const dev = new DevSystem(proc, state, token, READY.exec(output)![1]!);
    const keep = () => (dev.output = output);
    setInterval(keep, 200).unref();
    return dev;
  }

  /** An authenticated request to its API. */
  api(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.token}`);
    if (init.body !== undefined) headers.set("content-type", "application/json");
    return fetch(`${this.url}${path}`, { ...init, headers });
  }

  async json<T = any>(path: string, body?: unknown): Promise<T> {
    const res = await this.api(path, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
    return (await res.json()) as T;
  }

  async stop(): Promise<void> {
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await this.proc.exited;
    clearTimeout(timer);
    live.delete(this.proc);
    rmSync(this.state, { recursive: true, force: true });
  }
}
