/**
 * From argv and the kernel command line to BootOptions: mode, configuration,
 * paths and token. As PID 1 the config is /etc/aios/config.toml and overrides
 * come from /proc/cmdline; in dev mode everything lives under the state
 * directory and `--cmdline` stands in for the kernel command line.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { applyOverrides, AUTONOMY_LEVELS, loadConfig, parseCmdline } from "../config";
import { AiosError, kernelCmdline, log, mkdirDurable, setLevel, setLogFormat, writeFileDurable } from "../sys";
// The default config ships inside the binary so dev mode can seed an editable copy.
import defaultToml from "../../rootfs/etc/aios/config.toml" with { type: "text" };
import { isSlot } from "../update";
import { layout, type BootOptions, type LoaderInfo } from "./context";

export const USAGE = `usage: aios-init                  (as PID 1, started by the kernel)
       aios-init --dev [--state DIR] [--port N] [--token T] [--config FILE] [--cmdline "aios.key=value ..."] [--autonomy LEVEL] [--runtime DIR]
       aios-init models import DIR | models list   (the model manager; aios-init models --help)
       aios-init ctl [--url URL] [--token T] VERB   (the client of a running aiOS; aios-init ctl --help)
       aios-init --version                          (the version and the commit it was built from)

  --dev       run the system unprivileged on this host; PID-1-only steps are skipped
  --state     state directory (default ./.aios-dev)
  --port      API port on 127.0.0.1 (default 8080; 0 picks a free one)
  --token     admin token (default: saved in STATE/var/lib/aios/secrets/api-token)
  --config    config file (default STATE/etc/aios/config.toml, created on first run)
  --cmdline   aios.* overrides, as on the kernel command line
  --autonomy  full | supervised | manual: which tool calls wait for approval (overrides config and --cmdline)
  --runtime   the image's runtime directory (lib/, models/), seen as /usr/lib/aios (make dev: out/build/runtime)`;

export class UsageError extends AiosError<"usage"> {
  constructor(message: string) {
    super("usage", message);
  }
}

export async function resolveOptions(argv: string[], pid: number = process.pid): Promise<BootOptions> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dev: { type: "boolean" },
        state: { type: "string" },
        port: { type: "string" },
        token: { type: "string" },
        config: { type: "string" },
        cmdline: { type: "string" },
        autonomy: { type: "string" },
        runtime: { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const pid1 = pid === 1;
  if (!pid1 && !values.dev) throw new UsageError("not PID 1: use --dev to run on this host");

  const root = pid1 ? "/" : resolve(values.state ?? ".aios-dev");
  const paths = layout(root);
  const configPath = values.config ?? join(paths.etc, "config.toml");
  if (!pid1 && !values.config && !existsSync(configPath)) {
    mkdirDurable(dirname(configPath));
    writeFileDurable(configPath, defaultToml);
  }

  const loaded = await loadConfig(configPath);
  const cmdline = parseCmdline(pid1 ? kernelCmdline() : (values.cmdline ?? ""));
  const overridden = applyOverrides(loaded.config, cmdline.config);
  if (values.autonomy !== undefined) {
    const flag = applyOverrides(overridden.config, [["system.autonomy_level", values.autonomy]], "--autonomy");
    if (flag.problems.length) throw new UsageError(`--autonomy: must be one of ${AUTONOMY_LEVELS.join(", ")} (got ${JSON.stringify(values.autonomy)})`);
    overridden.config = flag.config;
  }
  setLevel(overridden.config.system.log_level);
  setLogFormat(overridden.config.log.format);
  for (const problem of [...loaded.problems, ...overridden.problems]) log.error(problem);
  if (loaded.unusable) log.error(`config: ${configPath}: on the defaults until the data disk is mounted, then on the last good configuration`);
  const overrides: NonNullable<BootOptions["configFile"]>["overrides"] = [{ pairs: cmdline.config }];
  if (values.autonomy !== undefined) overrides.push({ pairs: [["system.autonomy_level", values.autonomy]], origin: "--autonomy" });
  const configFile = { path: configPath, text: loaded.text, unusable: loaded.unusable, overrides };

  let port: number | undefined;
  if (values.port !== undefined) {
    port = /^\d+$/.test(values.port) ? Number(values.port) : Number.NaN;
    if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port: must be 0..65535 (got ${JSON.stringify(values.port)})`);
  }
  const runtimeDir = values.runtime === undefined ? undefined : resolve(values.runtime);
  if (runtimeDir !== undefined && !existsSync(runtimeDir)) throw new UsageError(`--runtime: ${runtimeDir}: no such directory (make dev builds out/build/runtime)`);
  const loader = pid1 ? takeLoaderEnv(process.env) : undefined;
  return { mode: pid1 ? "pid1" : "dev", config: overridden.config, paths, token: values.token ?? cmdline.token, port, cmdlineKeys: overridden.applied, configFile, runtimeDir, loader };
}

/**
 * What initramfs/init passed in the environment: the slot it booted, whether
 * this is the slot's trial, a note (why it skipped a slot), whether it
 * started reading ahead (AIOS_READAHEAD=1), and when it started and
 * switched (seconds since the kernel started, /proc/uptime's 10 ms). They are removed from the environment, so no child inherits them.
 */
export function takeLoaderEnv(env: Record<string, string | undefined>): LoaderInfo | undefined {
  const slot = env.AIOS_SLOT;
  const times = (env.AIOS_INITRAMFS ?? "").split(" ").map((t) => Math.round(Number(t) * 1000));
  const info: LoaderInfo | undefined = isSlot(slot)
    ? {
        slot,
        trial: env.AIOS_TRIAL === "1",
        note: env.AIOS_BOOT_NOTE || undefined,
        startMs: times.length === 2 && times.every((t) => Number.isFinite(t) && t > 0) ? times[0] : undefined,
        switchMs: times.length === 2 && times.every((t) => Number.isFinite(t) && t > 0) ? times[1] : undefined,
        readahead: env.AIOS_READAHEAD === "1",
      }
    : undefined;
  for (const k of ["AIOS_SLOT", "AIOS_TRIAL", "AIOS_BOOT_NOTE", "AIOS_INITRAMFS", "AIOS_READAHEAD"]) delete env[k];
  return info;
}
