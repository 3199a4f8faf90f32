/**
 * Dev mode end to end: the real binary in a child process, real loopback HTTP,
 * a real state directory. Nothing here needs privileges.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import type { FileSink, Subprocess } from "bun";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

const REPO = join(import.meta.dir, "..");
const MAIN = join(REPO, "src/main.ts");
const READY = /ready in \d+ ms \(api (http:\/\/[^)]+)\)/;
const E2E_TIMEOUT = 20_000;

const root = mkdtempSync(join(tmpdir(), "aios-e2e-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `state${n++}`);

class Dev {
  readonly child: Subprocess<"pipe", "pipe", "pipe">;
  stdout = "";
  stderr = "";
  private readonly pumps: Promise<void>[];

  constructor(args: string[]) {
    this.child = Bun.spawn([process.execPath, MAIN, ...args], {
      cwd: REPO,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, NO_COLOR: "1" },
    });
    this.pumps = [this.pump(this.child.stdout, "stdout"), this.pump(this.child.stderr, "stderr")];
  }

  private async pump(stream: ReadableStream<Uint8Array>, into: "stdout" | "stderr"): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) this[into] += decoder.decode(chunk, { stream: true });
  }

  /** Waits until `cond` holds (or the process exits); the bound is generous and only stops a hang. */
  async until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (this.child.exitCode !== null || Date.now() > end) {
        await Promise.race([Promise.all(this.pumps), Bun.sleep(200)]);
        if (cond()) return;
        throw new Error(`waiting for ${what}; exit ${this.child.exitCode}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
      }
      await Bun.sleep(10);
    }
  }

  async ready(): Promise<string> {
    await this.until(() => READY.test(this.stderr), "the ready line");
    return READY.exec(this.stderr)![1]!;
  }

  type(text: string): void {
    (this.child.stdin as FileSink).write(text);
    (this.child.stdin as FileSink).flush();
  }

  async exit(): Promise<number> {
    const code = await this.child.exited;
    await Promise.all(this.pumps);
    return code;
  }

  stderrLines(): string[] {
    return this.stderr.split("\n").filter(Boolean);
  }
}

const running: Dev[] = [];
function dev(args: string[]): Dev {
  const d = new Dev(args);
  running.push(d);
  return d;
}
afterEach(async () => {
  for (const d of running.splice(0)) {
    if (d.child.exitCode === null) {
      d.child.kill("SIGKILL");
      await d.child.exited;
    }
  }
});

describe("aios-init --dev", () => {
  test("boots, serves the API, runs the REPL on stdin, and powers off over the API", async () => {
    const state = freshDir();
    const d = dev(["--dev", "--state", state, "--port", "0", "--token", "T"]);
    const url = await d.ready();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.endsWith(":0")).toBe(false);

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    expect((await fetch(`${url}/api/v1/system`)).status).toBe(401);
    expect((await fetch(`${url}/api/v1/system`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const res = await fetch(`${url}/api/v1/system`, { headers: { authorization: "Bearer T" } });
    expect(res.status).toBe(200);
    const sys = (await res.json()) as { pid: number; hostname: string; boot: { readyMs: number; phases: Array<{ name: string; status: string; ms: number }> } };
    expect(sys.pid).toBe(d.child.pid);
    expect(sys.hostname).toBe(hostname()); // dev mode never sets the host's name
    expect(sys.boot.phases.map((p) => p.name)).toEqual(["early", "hardware", "storage", "network", "ai-runtime", "services", "agents", "autonomy", "fleet"]);
    const status = Object.fromEntries(sys.boot.phases.map((p) => [p.name, p.status]));
    expect(status).toMatchObject({ early: "skipped", hardware: "ok", storage: "ok", network: "skipped", "ai-runtime": "ok", services: "ok", agents: "ok", autonomy: "ok", fleet: "skipped" });
    expect(sys.boot.readyMs).toBe(Number(/ready in (\d+) ms/.exec(d.stderr)![1]));

    // The REPL reads lines from the stdin pipe and writes to stdout.
    await d.until(() => d.stdout.includes("aios> "), "the prompt");
    d.type("status\n");
    // On a pipe nothing is echoed, so the first row follows the prompt on its line.
    await d.until(() => /^(aios> )?hostname\s+\S+$/m.test(d.stdout), "status output");
    await d.until(() => /^ready\s+in \d+ ms$/m.test(d.stdout), "the end of status");
    expect(d.stdout).toMatch(new RegExp(`^pid\\s+${d.child.pid}$`, "m"));
    d.type("nosuch\n");
    await d.until(() => d.stdout.includes("nosuch: unknown command"), "the unknown-command line");
    expect(d.stdout.split("\n").filter((l) => l.includes("nosuch"))).toEqual(["aios> nosuch: unknown command; type help for the list"]);

    // The state directory holds the seeded config and seed 003's data layout.
    expect(readFileSync(join(state, "etc/aios/config.toml"), "utf8")).toBe(readFileSync(join(REPO, "rootfs/etc/aios/config.toml"), "utf8"));
    for (const dir of ["memory", "models", "vectors", "cache", "ledger", "secrets"]) {
      expect(statSync(join(state, "var/lib/aios", dir)).isDirectory()).toBe(true);
    }
    expect(statSync(join(state, "var/lib/aios/secrets")).mode & 0o777).toBe(0o700);
    expect(existsSync(join(state, "var/lib/aios/secrets/api-token"))).toBe(false); // --token is never saved
    expect(statSync(join(state, "var/log/aios")).isDirectory()).toBe(true);

    const bad = await fetch(`${url}/api/v1/power`, { method: "POST", headers: { authorization: "Bearer T" }, body: '{"action":"halt"}' });
    expect(bad.status).toBe(400);
    const off = await fetch(`${url}/api/v1/power`, { method: "POST", headers: { authorization: "Bearer T", "content-type": "application/json" }, body: '{"action":"poweroff"}' });
    expect(off.status).toBe(202);
    expect(await off.json()).toEqual({ status: "accepted", action: "poweroff" });
    expect(await d.exit()).toBe(0);
    expect(d.stdout + d.stderr).toContain("poweroff requested by api");
  }, E2E_TIMEOUT);

  test("without --dev and not PID 1 it exits 2 with a usage line", async () => {
    const d = dev([]);
    expect(await d.exit()).toBe(2);
    expect(d.stderr).toStartWith("aios-init: not PID 1: use --dev to run on this host\nusage: aios-init");
    expect(d.stdout).toBe("");
  }, E2E_TIMEOUT);

  test("an unknown option exits 2 with the usage", async () => {
    const d = dev(["--dev", "--frobnicate"]);
    expect(await d.exit()).toBe(2);
    expect(d.stderr).toContain("usage: aios-init");
  }, E2E_TIMEOUT);

  test("--help prints the usage and exits 0", async () => {
    const d = dev(["--help"]);
    expect(await d.exit()).toBe(0);
    expect(d.stdout).toStartWith("usage: aios-init");
    expect(d.stdout).toContain("--dev");
  }, E2E_TIMEOUT);

  test("--version prints the version (and the commit, when compiled in) and exits 0", async () => {
    const d = dev(["--version"]);
    expect(await d.exit()).toBe(0);
    const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
    expect(d.stdout).toBe(`aios-init ${version}\n`); // not compiled: no commit is known
    expect(d.stderr).toBe("");
  }, E2E_TIMEOUT);

  test("a broken config file still reaches ready, with one line naming the key; SIGTERM ends it cleanly", async () => {
    const state = freshDir();
    const cfg = join(root, "broken.toml");
    writeFileSync(cfg, "[system]\nhostname = 5\n");
    const d = dev(["--dev", "--state", state, "--port", "0", "--token", "T", "--config", cfg]);
    const url = await d.ready();
    const named = d.stderrLines().filter((l) => l.includes("system.hostname"));
    expect(named).toHaveLength(1);
    expect(named[0]).toStartWith(`aios: error: config: ${cfg}: line 2: system.hostname: `);
    expect(named[0]).toEndWith('; using the default ("aios")');
    expect(d.stderrLines().filter((l) => l.includes("config:"))).toHaveLength(1);
    expect(existsSync(join(state, "etc/aios/config.toml"))).toBe(false); // --config: nothing seeded
    expect((await fetch(`${url}/health`)).status).toBe(200);
    d.child.kill("SIGTERM");
    expect(await d.exit()).toBe(0);
  }, E2E_TIMEOUT);

  test("a config.toml that is not TOML keeps the last good configuration, saved at the good boot before (issue 11)", async () => {
    const state = freshDir();
    const cfg = join(root, `lastgood-${n}.toml`);
    const level = async (url: string) => ((await (await fetch(`${url}/api/v1/autonomy`, { headers: { authorization: "Bearer T" } })).json()) as { level: string }).level;
    writeFileSync(cfg, '[system]\nautonomy_level = "manual"\n');
    const good = dev(["--dev", "--state", state, "--port", "0", "--token", "T", "--config", cfg]);
    expect(await level(await good.ready())).toBe("manual");
    good.child.kill("SIGTERM");
    expect(await good.exit()).toBe(0);
    const saved = join(state, "var/lib/aios/config/last-good.toml");
    expect(readFileSync(saved, "utf8")).toBe('[system]\nautonomy_level = "manual"\n');
    expect(statSync(saved).mode & 0o777).toBe(0o600);

    writeFileSync(cfg, '[system]\nautonomy_level = "full"\nthis is not toml\n');
    const bad = dev(["--dev", "--state", state, "--port", "0", "--token", "T", "--config", cfg]);
    expect(await level(await bad.ready())).toBe("manual"); // not the defaults' supervised, not the broken file's full
    expect(bad.stderr).toContain(`config: ${cfg}: line 3: not valid TOML`);
    expect(bad.stderr).toContain(`; using the last good configuration (${saved}, saved `);
    expect(readFileSync(saved, "utf8")).toBe('[system]\nautonomy_level = "manual"\n');
    bad.child.kill("SIGTERM");
    expect(await bad.exit()).toBe(0);
  }, E2E_TIMEOUT * 2);

  test("without --token a token is generated, printed once, saved 0600, and reused silently", async () => {
    const state = freshDir();
    const tokenFile = join(state, "var/lib/aios/secrets/api-token");

    const first = dev(["--dev", "--state", state, "--port", "0"]);
    const url1 = await first.ready();
    const printed = first.stderrLines().filter((l) => l.includes("API token"));
    expect(printed).toHaveLength(1);
    const m = /^aios: API token \(shown once; saved in (.+)\): (\S+)$/.exec(printed[0]!);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(tokenFile);
    const token = m![2]!;
    expect(readFileSync(tokenFile, "utf8")).toBe(`${token}\n`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect((await fetch(`${url1}/api/v1/system`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    first.child.kill("SIGTERM");
    expect(await first.exit()).toBe(0);
    expect(first.stdout).not.toContain(token);

    const second = dev(["--dev", "--state", state, "--port", "0"]);
    const url2 = await second.ready();
    expect(second.stderr).not.toContain("API token");
    expect(second.stderr).not.toContain(token);
    expect((await fetch(`${url2}/api/v1/system`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    second.type("poweroff\n");
    expect(await second.exit()).toBe(0);
    expect(second.stdout + second.stderr).not.toContain(token);
  }, E2E_TIMEOUT);
});
