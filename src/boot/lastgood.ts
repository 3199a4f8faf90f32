/**
 * The last good configuration (issue 11): at each boot whose config.toml is
 * TOML, its text is saved on the data disk (durably, only when it changed);
 * when config.toml cannot be used at all (a syntax error, a directory, an
 * unreadable file), the boot runs on that saved copy instead of the defaults,
 * and says so. Until the data disk is mounted (the storage phase) the boot
 * runs on the defaults; every step after it sees the last good one.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { applyOverrides, parseConfig } from "../config";
import { log, mkdirDurable, setLevel, setLogFormat, writeFileDurable } from "../sys";
import type { BootContext, Paths } from "./context";

export function lastGoodPath(paths: Pick<Paths, "data">): string {
  return join(paths.data, "config/last-good.toml");
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Saves the config file's text, or puts the saved one in force when the file is unusable. What happened, in words. */
export function keepLastGood(ctx: BootContext): string | { skip: string } {
  const f = ctx.configFile;
  if (!f) return { skip: "no config file" };
  const at = lastGoodPath(ctx.paths);
  const saved = readOrUndefined(at);
  if (f.unusable === undefined) {
    if (f.text === undefined) return { skip: `no ${f.path}: defaults` };
    if (saved === f.text) return "unchanged";
    mkdirDurable(dirname(at), 0o700);
    writeFileDurable(at, f.text, { mode: 0o600 });
    return `saved as ${at}`;
  }
  if (saved === undefined) {
    log.error(`config: ${f.path}: ${f.unusable}; no last good configuration saved: running on the defaults`);
    return { skip: "no last good configuration: defaults" };
  }
  const parsed = parseConfig(saved, at);
  let config = parsed.config;
  const problems = [...parsed.problems];
  for (const o of f.overrides) {
    const r = applyOverrides(config, o.pairs, o.origin);
    config = r.config;
    problems.push(...r.problems);
  }
  ctx.config = config;
  setLevel(config.system.log_level);
  setLogFormat(config.log.format);
  for (const p of problems) log.warn(p);
  const when = new Date(statSync(at).mtimeMs).toISOString();
  log.error(`config: ${f.path}: ${f.unusable}; using the last good configuration (${at}, saved ${when})`);
  return `in force: ${at} (saved ${when})`;
}
