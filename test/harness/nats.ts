/**
 * A real nats-server (Debian's package, installed by build/deps.sh) for tests
 * and benchmarks: JetStream on, its store in a temporary directory, on a free
 * port of the address asked for (127.0.0.1 unless a VM must reach it).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./vm";

/** The nats-server binary, or undefined when it is not installed (tests then skip, saying so). */
export function natsServerBinary(): string | undefined {
  return Bun.which("nats-server") ?? ["/usr/sbin/nats-server", "/usr/bin/nats-server"].find((p) => existsSync(p));
}

export const NO_NATS = "nats-server is not installed (build/deps.sh installs Debian's package): skipped";

const live = new Set<Subprocess>();
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

export class NatsServer {
  private proc: Subprocess | undefined;
  log = "";
  readonly dir: string;

  private constructor(readonly host: string, readonly port: number, private readonly extra: string[]) {
    this.dir = mkdtempSync(join(tmpdir(), "aios-nats-"));
  }

  /** `host` is where it listens; a guest under QEMU reaches the host's 127.0.0.1 as 10.0.2.2. */
  static async start(opts: { host?: string; port?: number; extra?: string[] } = {}): Promise<NatsServer> {
    const s = new NatsServer(opts.host ?? "127.0.0.1", opts.port ?? freePort(), opts.extra ?? []);
    await s.launch();
    return s;
  }

  /** The server's process id while it runs (for CPU and memory readings). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get url(): string {
    return `nats://${this.host}:${this.port}`;
  }

  private async launch(): Promise<void> {
    const bin = natsServerBinary();
    if (!bin) throw new Error(NO_NATS);
    const proc = Bun.spawn([bin, "-js", "-sd", join(this.dir, "js"), "-a", this.host, "-p", String(this.port), ...this.extra], { stdout: "ignore", stderr: "pipe" });
    this.proc = proc;
    live.add(proc);
    const reader = (async () => {
      for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) this.log += new TextDecoder().decode(chunk);
    })();
    void reader;
    const deadline = Date.now() + 15_000;
    while (!this.log.includes("Server is ready")) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited (${proc.exitCode}): ${this.log}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not start in 15 s: ${this.log}`);
      await Bun.sleep(20);
    }
  }

  /** Stops the server (SIGTERM, or SIGKILL for a crash); the store stays for `restart`. */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    const p = this.proc;
    if (!p) return;
    p.kill(signal);
    await p.exited;
    live.delete(p);
    this.proc = undefined;
  }

  /** The same server again: same port, same JetStream store. */
  async restart(): Promise<void> {
    await this.stop();
    this.log = "";
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
