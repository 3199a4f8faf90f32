/**
 * Boots the real image under QEMU (TCG) exactly as `make run` does, through
 * build/qemu-cmd.sh, and scripts the serial console over pipes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { kernelDigest, registersDigest } from "./kernel-digest";

export const ROOT = resolve(import.meta.dir, "../..");
export const OUT = join(ROOT, "out");
export const TOKEN = "vm-test-token";
const CURSOR_QUERY = "\x1b[6n";
/** How long after QEMU exits a wait still looks at its output (the pipes' last bytes) before it fails. */
const EXIT_DRAIN_MS = 1000;
/** USER_HZ: /proc/PID/stat counts CPU time in these (100 on every Linux this runs on). */
const CLOCK_TICKS = 100;

export interface VmOptions {
  /** Data disk image; a fresh blank ext4 one when absent. */
  dataImg?: string;
  /** Appended to the kernel command line (after aios.token). */
  cmdlineExtra?: string;
  /** Files laid over the system, path → content, e.g. a broken /etc/aios/config.toml (initramfs/init copies them in). */
  overlay?: Record<string, string>;
  mem?: number;
  initrd?: string;
  /**
   * The system disk (build/system.mk: slots aios-a and aios-b). Default: out/system.img, attached
   * read-only so that every test can share it (updates are then refused); a disk passed here is
   * attached writable (copy out/system.img with `systemDiskCopy` to test updates).
   */
  systemImg?: string;
  /** @deprecated The runtime disk is gone: onnxruntime and the models are part of the system image. Ignored. */
  runtimeImg?: string;
  /** The offline apt repository disk (`make repo`), attached read-only. */
  repoImg?: string;
  /** Extra host → guest TCP forwards: guest port → a free host port, readable as vm.forwarded[guestPort]. */
  forward?: number[];
  /** A guest reboot boots again in the same QEMU (default: it ends QEMU, as a poweroff does). */
  reboot?: boolean;
  /** A boot that stalls before it writes anything is recorded and started once more (default; see STALL_MS). Benchmarks say false. */
  retryStall?: boolean;
  /** After how long a silent boot that has not written its data disk counts as stalled (default STALL_MS). */
  stallMs?: number;
  /** Where a stall is recorded (default STALLS). */
  stallLog?: string;
}

/** A free TCP port on loopback. */
export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** A new ext4 data disk, as `make image` creates it. */
export function freshDataImage(dir: string, sizeMb = 64): string {
  const path = join(dir, "data.img");
  const r = Bun.spawnSync(["mke2fs", "-q", "-F", "-t", "ext4", "-E", "lazy_itable_init=0,lazy_journal_init=0", "-L", "aios-data", path, `${sizeMb}M`]);
  if (r.exitCode !== 0) throw new Error(`mke2fs ${path}: ${r.stderr.toString()}`);
  return path;
}

/** A writable copy of out/system.img (sparse: the empty slot costs nothing), for tests that install updates. */
export function systemDiskCopy(dir: string, from = join(OUT, "system.img")): string {
  const path = join(dir, "system.img");
  const r = Bun.spawnSync(["cp", "--sparse=always", from, path]);
  if (r.exitCode !== 0) throw new Error(`cp ${from} ${path}: ${r.stderr.toString()}`);
  return path;
}

/**
 * The image's initramfs with `files` (path under its root → content) appended as a second cpio
 * archive: the kernel unpacks both, in order, so a file here replaces the first archive's.
 */
export function initrdWith(dir: string, files: Record<string, string>): string {
  const stage = join(dir, "initrd-extra");
  for (const [path, content] of Object.entries(files)) {
    const target = join(stage, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode: content.startsWith("#!") ? 0o755 : 0o644 }); // scripts stay executable
  }
  const cpio = Bun.spawnSync(["sh", "-c", "find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet"], { cwd: stage });
  if (cpio.exitCode !== 0) throw new Error(`cpio: ${cpio.stderr.toString()}`);
  const out = join(dir, "initramfs.cpio");
  copyFileSync(join(OUT, "initramfs.cpio"), out);
  const base = Bun.file(out).size;
  // The second archive must start on a 4-byte boundary.
  const pad = new Uint8Array((4 - (base % 4)) % 4);
  writeFileSync(out, Buffer.concat([pad, cpio.stdout]), { flag: "a" });
  return out;
}

/** The same with the files under /overlay: initramfs/init copies them over the system before it switches. */
export function initrdWithOverlay(dir: string, files: Record<string, string>): string {
  return initrdWith(dir, Object.fromEntries(Object.entries(files).map(([path, content]) => [join("overlay", path), content])));
}

export function qemuArgv(env: Record<string, string>): string[] {
  const r = Bun.spawnSync(["bash", join(ROOT, "build/qemu-cmd.sh")], { env: { ...process.env, ...env } });
  if (r.exitCode !== 0) throw new Error(`build/qemu-cmd.sh: ${r.stderr.toString()}`);
  return r.stdout.toString().split("\n").filter((l) => l.length > 0);
}

/** QEMUs still running; killed when the test process exits however it exits (a timed-out test never disposes). */
const live = new Set<Subprocess>();
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

/**
 * A boot that has printed nothing and never written its data disk this long
 * after QEMU started has stalled before /init mounted that disk: a boot
 * writes it within ~3 s, ~15 s on a host at load 8, and prints aios-init's
 * first line soon after. Seen in whole make-test runs (two of CI's, two
 * here) and never in over a thousand boots tried alone; where the guest
 * stops is not known yet. Such a boot is recorded (STALLS, printed at the
 * end of `make test-vm`) and started once more.
 */
const STALL_MS = 30_000;
/** One line per stalled boot: the first line of its diagnostics. */
export const STALLS = join(OUT, "test-artifacts", "vm-stalls.txt");

export class Vm {
  output = "";
  /** Host ports of the extra forwards, by guest port. */
  forwarded: Record<number, number> = {};
  /** The diagnostics of a boot that stalled and was started again (at most once per Vm). */
  stalled: string | null = null;
  private proc!: Subprocess<"pipe", "pipe", "pipe">;
  /** QEMU's exit status once it has exited. */
  private exitCode: number | null = null;
  /** When QEMU exited (Date.now()), once it has. */
  private exitedAt = 0;
  private readonly waiters = new Set<() => void>();
  /** When this QEMU was started. */
  private startedAt = 0;
  /** When the console last said anything (at first: when QEMU started). */
  private lastOutputAt = 0;
  private stallTimer: Timer | undefined;
  private disposed = false;

  private constructor(
    private readonly argv: string[],
    readonly port: number,
    readonly dataImg: string,
    private readonly workDir: string,
    private readonly stall: { ms: number; log: string } | null,
  ) {
    this.start();
  }

  /** QEMU's exit status, when it exits. */
  get exited(): Promise<number> {
    return this.proc.exited;
  }

  private start(): void {
    const proc = Bun.spawn(this.argv, { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    this.proc = proc;
    this.output = "";
    this.exitCode = null;
    this.startedAt = this.lastOutputAt = Date.now();
    live.add(proc);
    void proc.exited.then((code) => {
      live.delete(proc);
      if (proc !== this.proc) return; // a stalled boot's QEMU, replaced
      this.exitCode = code;
      this.exitedAt = Date.now();
      this.notify();
    });
    void this.pump(proc, proc.stdout);
    void this.pump(proc, proc.stderr);
    if (this.stall && this.stalled === null) this.stallTimer = setTimeout(() => void this.checkStall(), this.stall.ms);
  }

  /** Whether QEMU has written the data disk since it started (the guest mounts it read-write early in /init). */
  private diskWritten(): boolean | undefined {
    const st = statSync(this.dataImg, { throwIfNoEntry: false });
    return st === undefined ? undefined : st.mtimeMs >= this.startedAt;
  }

  private async checkStall(): Promise<void> {
    const stall = this.stall!;
    if (this.disposed || this.exitCode !== null || this.output.length > 0 || this.diskWritten() !== false) return;
    const report = await this.stuck(`boot stalled: nothing on the console and the data disk never written ${stall.ms / 1000} s after QEMU started`);
    if (this.disposed) return;
    this.stalled = report;
    console.error(`${report}\nthe harness boots it once more (${stall.log})`);
    mkdirSync(dirname(stall.log), { recursive: true });
    writeFileSync(stall.log, `${new Date().toISOString()} ${report.split("\n")[0]}\n`, { flag: "a" });
    const old = this.proc;
    old.kill("SIGKILL");
    await old.exited;
    if (this.disposed) return;
    this.start();
    this.notify();
  }

  static boot(opts: VmOptions = {}): Vm {
    const workDir = mkdtempSync(join(tmpdir(), "aios-vm-"));
    const port = freePort();
    const dataImg = opts.dataImg ?? freshDataImage(workDir);
    const initrd = opts.initrd ?? (opts.overlay ? initrdWithOverlay(workDir, opts.overlay) : join(OUT, "initramfs.cpio"));
    const forwarded: Record<number, number> = {};
    for (const guest of opts.forward ?? []) forwarded[guest] = freePort();
    const argv = qemuArgv({
      API_PORT: String(port),
      MEM: String(opts.mem ?? 1024),
      DATA_IMG: dataImg,
      INITRD: initrd,
      // sysrq_always_enabled: a wait that times out asks the kernel where it is (kernelView).
      CMDLINE_EXTRA: `aios.token=${TOKEN} sysrq_always_enabled ${opts.cmdlineExtra ?? ""}`.trim(),
      SYSTEM_IMG: opts.systemImg ?? join(OUT, "system.img"),
      SYSTEM_READONLY: opts.systemImg ? "0" : "1",
      ...(opts.repoImg !== undefined ? { REPO_IMG: opts.repoImg } : {}),
      FORWARD: Object.entries(forwarded).map(([guest, host]) => `${host}:${guest}`).join(","),
      ON_REBOOT: opts.reboot ? "reboot" : "exit",
    });
    const stall = opts.retryStall === false ? null : { ms: opts.stallMs ?? STALL_MS, log: opts.stallLog ?? STALLS };
    const vm = new Vm(argv, port, dataImg, workDir, stall);
    vm.forwarded = forwarded;
    return vm;
  }

  private async pump(proc: Subprocess, stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let held = "";
    for await (const chunk of stream) {
      if (proc !== this.proc) return; // a stalled boot's QEMU, replaced: its last words are in its report
      // BusyBox ash asks the terminal for the cursor position (ESC[6n) before
      // each prompt; a pipe never answers, and the query is not output. A
      // query split across chunks is held back until it is complete.
      const text = held + decoder.decode(chunk, { stream: true }).replaceAll("\r", "");
      const partial = text.match(/\x1b(\[6?)?$/);
      held = partial ? partial[0] : "";
      this.output += text.slice(0, text.length - held.length).replaceAll(CURSOR_QUERY, "");
      this.lastOutputAt = Date.now();
      this.notify();
    }
  }

  private notify(): void {
    for (const w of this.waiters) w();
  }

  /** Waits until the serial output after `from` matches; fails with the tail of the console. */
  async waitFor(re: RegExp, timeoutMs = 60_000, from = 0): Promise<RegExpMatchArray> {
    const began = Date.now();
    for (;;) {
      const m = this.output.slice(from).match(re);
      if (m) return m;
      // A boot started again after a stall gets the whole wait from its start.
      if (Date.now() > Math.max(began, this.startedAt) + timeoutMs) throw new Error(await this.stuck(`timed out after ${timeoutMs} ms waiting for ${re}`));
      // An exited QEMU prints nothing more once its pipes are drained (a second is plenty): no use waiting out the timeout.
      if (this.exitCode !== null && Date.now() > this.exitedAt + EXIT_DRAIN_MS) throw new Error(await this.stuck(`QEMU exited while waiting for ${re}`));
      let settled = false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          if (settled) return;
          settled = true;
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        setTimeout(wake, 200);
      });
    }
  }

  /**
   * Why a wait failed: first one line that says where the guest is (CI shows
   * only the end of its log, and test/harness/failures.ts prints this line
   * there), then the console's tail and the kernel's own words.
   */
  private async stuck(what: string): Promise<string> {
    const state = this.state();
    const silent = ((Date.now() - this.lastOutputAt) / 1000).toFixed(1);
    const tail = this.output.slice(-3000);
    const last = tail.trimEnd().split("\n").at(-1)!.slice(-120);
    const chars = this.output.length; // before SysRq's answer joins it
    // The guest mounts the data disk read-write early in /init: an image QEMU never wrote to means the boot stopped before.
    const written = this.diskWritten();
    const disk = written === undefined ? "gone" : written ? "written" : "never written";
    const { api, kernel } = await this.kernelView();
    const registers = await this.registersView();
    const where = kernelDigest(kernel) || (this.exitCode === null ? "said nothing to SysRq" : "gone with QEMU");
    return (
      `${what}: ${state}; console ${chars} chars, silent for ${silent} s, last line ${JSON.stringify(last)}; data disk ${disk} since boot; ` +
      `API /health ${api}; kernel: ${where}; vCPUs: ${registersDigest(registers) || "not read"}` +
      `\nconsole tail:\n${tail}\nthe kernel, asked with SysRq 9, w, l:\n${kernel}\nQEMU's monitor, info registers -a:\n${registers}`
    );
  }

  /**
   * Where the guest's kernel is, asked over the serial line with magic SysRq
   * (a BREAK, then the key; boot enables it: sysrq_always_enabled): the
   * console's log level up (9), the tasks blocked (w) and every CPU's
   * backtrace (l), after whether the API answers. A boot that hangs before
   * aios-init prints anything (the kernel runs `quiet`, /init keeps the
   * console for errors) otherwise says nothing of where it stopped.
   */
  private async kernelView(): Promise<{ api: string; kernel: string }> {
    if (this.exitCode !== null) return { api: "not asked (QEMU exited)", kernel: "" };
    // A guest that is up while the console stays silent points at the console's pipe, not the guest.
    const api = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(3000) }).then(
      (r) => `HTTP ${r.status}`,
      (err) => `no answer (${(err as Error).message})`,
    );
    const from = this.output.length;
    for (const key of ["9", "w", "l"]) {
      this.type("\x01b"); // QEMU's serial mux: Ctrl-A b sends a BREAK
      await Bun.sleep(300);
      this.type(key);
      await Bun.sleep(2000);
    }
    return { api, kernel: this.output.slice(from, from + 12_000) };
  }

  /**
   * The vCPUs' registers from QEMU's monitor (Ctrl-A c switches the serial
   * mux to it and back): read by QEMU, so they answer even when the guest's
   * kernel cannot (interrupts off, or not started). Empty once QEMU is gone.
   */
  private async registersView(): Promise<string> {
    if (this.exitCode !== null) return "";
    const from = this.output.length;
    this.type("\x01c");
    await Bun.sleep(300);
    this.type("info registers -a\r");
    await Bun.sleep(1500);
    this.type("\x01c");
    await Bun.sleep(300);
    // Only the general registers: the FPU and vector ones say nothing of where the CPU is.
    return this.output.slice(from).split("\n").filter((l) => /^(CPU#|RAX=|RSI=|R8 |R12=|RIP=|CS =|CR0=)/.test(l)).join("\n");
  }

  /** Whether QEMU still runs, and how much CPU it has used: a silent console reads differently if QEMU is gone, spinning or idle. */
  private state(): string {
    return this.exitCode === null ? `QEMU running, ${Math.round(this.cpuMs())} ms of CPU used` : `QEMU exited with ${this.exitCode}`;
  }

  /**
   * CPU time QEMU has used so far (user + system, all its threads), in ms: the guest's work, which a
   * busy host stretches far less than wall time (bench-boot reports both). NaN once QEMU is gone.
   */
  cpuMs(): number {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${this.proc.pid}/stat`, "utf8");
    } catch {
      return Number.NaN; // QEMU has exited and been reaped
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  }

  /** Types text on the serial console. */
  type(text: string): void {
    this.proc.stdin.write(text);
    this.proc.stdin.flush();
  }

  /** Runs a REPL (or shell) line and returns what the console printed until `until` matched. */
  async run(line: string, until: RegExp, timeoutMs = 30_000): Promise<string> {
    const from = this.output.length;
    this.type(`${line}\r`);
    const m = await this.waitFor(until, timeoutMs, from);
    return this.output.slice(from, from + m.index! + m[0].length);
  }

  /**
   * The REPL's `boot` table, up to the prompt after its header: a log line
   * that arrives first (the agents' health summary, soon after ready)
   * redraws a prompt of its own, which must not end the wait.
   */
  bootTable(timeoutMs?: number): Promise<string> {
    return this.run("boot", /PHASE\s+STATUS[\s\S]*?aios> $/, timeoutMs);
  }

  api(path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.auth !== false) headers.set("authorization", `Bearer ${TOKEN}`);
    // fetch labels a string body text/plain, which the API refuses with a 415 (issue 14): these bodies are JSON.
    if (typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
    return fetch(`http://127.0.0.1:${this.port}${path}`, { ...init, headers });
  }

  /** Waits for QEMU to exit on its own (a guest poweroff) and returns its exit code. */
  async waitExit(timeoutMs = 60_000): Promise<number> {
    const timeout = Bun.sleep(timeoutMs).then(async () => {
      if (this.exitCode !== null) return this.exitCode; // it exited: the race is won already
      throw new Error(await this.stuck(`QEMU still running after ${timeoutMs} ms`));
    });
    return Promise.race([this.exited, timeout]);
  }

  /** Kills QEMU if it is still running and removes the work directory (a data image passed in is the caller's). */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.stallTimer);
    if (this.proc.exitCode === null) {
      this.proc.kill("SIGKILL");
      await this.exited;
    }
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
