import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../config";
import { setLevel, setSink } from "../sys";
import { resolveOptions, UsageError } from "./options";

const root = mkdtempSync(join(tmpdir(), "aios-options-"));
const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterEach(() => {
  logs.length = 0;
  setLevel("info");
});
afterAll(() => {
  setSink(previousSink);
  rmSync(root, { recursive: true, force: true });
});

const NOT_PID1 = 4242;
let n = 0;
const state = () => join(root, `state${n++}`);

describe("resolveOptions (dev mode; never as PID 1 in tests)", () => {
  test("without --dev and not PID 1 it is a usage error", async () => {
    const err = await resolveOptions([], NOT_PID1).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.code).toBe("usage");
    expect(err.message).toBe("not PID 1: use --dev to run on this host");
  });

  test("an unknown option is a usage error", async () => {
    expect(await resolveOptions(["--dev", "--bogus"], NOT_PID1).catch((e) => e)).toBeInstanceOf(UsageError);
  });

  test("--dev seeds the state directory with the default config and uses it", async () => {
    const dir = state();
    const opts = await resolveOptions(["--dev", "--state", dir, "--port", "0", "--token", "T"], NOT_PID1);
    expect(opts.mode).toBe("dev");
    expect(opts.paths.root).toBe(dir);
    expect(opts.paths.secrets).toBe(join(dir, "var/lib/aios/secrets"));
    expect(opts.port).toBe(0);
    expect(opts.token).toBe("T");
    expect(opts.config).toEqual(defaultConfig());
    const seeded = join(dir, "etc/aios/config.toml");
    expect(readFileSync(seeded, "utf8")).toBe(readFileSync(join(import.meta.dir, "../../rootfs/etc/aios/config.toml"), "utf8"));
    expect(logs).toEqual([]);
  });

  test("an edited seeded config is kept, not overwritten", async () => {
    const dir = state();
    await resolveOptions(["--dev", "--state", dir], NOT_PID1);
    writeFileSync(join(dir, "etc/aios/config.toml"), '[system]\nhostname = "edited"\n');
    const opts = await resolveOptions(["--dev", "--state", dir], NOT_PID1);
    expect(opts.config.system.hostname).toBe("edited");
    expect(opts.port).toBeUndefined();
    expect(opts.token).toBeUndefined();
  });

  test("--cmdline overrides apply, aios.token included; a bad one is logged", async () => {
    const dir = state();
    const opts = await resolveOptions(["--dev", "--state", dir, "--cmdline", "aios.hostname=node7 aios.token=K aios.port=99999 quiet"], NOT_PID1);
    expect(opts.config.system.hostname).toBe("node7");
    expect(opts.config.network.management_port).toBe(9090);
    expect(opts.token).toBe("K");
    expect(logs).toEqual(["aios: error: config: kernel command line: aios.network.management_port=99999: must be 0..65535 (got 99999); ignored"]);
  });

  test("--runtime names the directory that stands in for the runtime disk; a missing one is a usage error", async () => {
    const dir = state();
    expect((await resolveOptions(["--dev", "--state", dir, "--runtime", dir], NOT_PID1)).runtimeDir).toBe(dir);
    expect((await resolveOptions(["--dev", "--state", dir], NOT_PID1)).runtimeDir).toBeUndefined();
    const err = await resolveOptions(["--dev", "--state", dir, "--runtime", `${dir}/nope`], NOT_PID1).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain("--runtime:");
  });

  test("--token wins over aios.token", async () => {
    expect((await resolveOptions(["--dev", "--state", state(), "--token", "A", "--cmdline", "aios.token=B"], NOT_PID1)).token).toBe("A");
  });

  test("--autonomy sets the level over config and --cmdline; a bad level is a usage error", async () => {
    expect((await resolveOptions(["--dev", "--state", state()], NOT_PID1)).config.system.autonomy_level).toBe("supervised");
    const opts = await resolveOptions(["--dev", "--state", state(), "--cmdline", "aios.autonomy=full", "--autonomy", "manual"], NOT_PID1);
    expect(opts.config.system.autonomy_level).toBe("manual");
    const err = await resolveOptions(["--dev", "--state", state(), "--autonomy", "yolo"], NOT_PID1).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe('--autonomy: must be one of full, supervised, manual (got "yolo")');
  });

  test("--config elsewhere: not seeded, problems logged, defaults used", async () => {
    const dir = state();
    const cfg = join(root, `bad${n}.toml`);
    writeFileSync(cfg, "[system]\nhostname = 5\n");
    const opts = await resolveOptions(["--dev", "--state", dir, "--config", cfg], NOT_PID1);
    expect(opts.config).toEqual(defaultConfig());
    expect(existsSync(join(dir, "etc/aios/config.toml"))).toBe(false);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toStartWith(`aios: error: config: ${cfg}: line 2: system.hostname: `);
  });

  test("--port must be an integer 0..65535", async () => {
    for (const bad of ["70000", "-1", "abc", "1.5"]) {
      const err = await resolveOptions(["--dev", "--state", state(), `--port=${bad}`], NOT_PID1).catch((e) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toBe(`--port: must be 0..65535 (got ${JSON.stringify(bad)})`);
    }
  });

  // BUG (src/boot/options.ts:69): Number("") is 0, so `--port ""` silently means "any free port".
  test('--port "" is a usage error, not port 0', async () => {
    expect(await resolveOptions(["--dev", "--state", state(), "--port", ""], NOT_PID1).catch((e) => e)).toBeInstanceOf(UsageError);
  });
});
