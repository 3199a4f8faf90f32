/**
 * Loading /etc/aios/config.toml. A bad file never stops the boot: the system
 * comes up on defaults and one console line names the key and the reason.
 */
import * as v from "valibot";
import { issuePath, issueReason } from "./issues";
import { ConfigSchema, defaultConfig, type Config } from "./schema";

export interface LoadedConfig {
  config: Config;
  /** One line per problem, ready to print. Empty when the file was good. */
  problems: string[];
}

/** `system.hostname: must be ...` for the first issue valibot reports. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  return `${issuePath(issue) ?? "(file)"}: ${issueReason(issue, { object: "a table", key: "key" })}`;
}

/**
 * Bun's TOML errors carry no position. The error sits just after the longest
 * prefix of lines that still parses (a prefix that ends inside a multi-line
 * array fails, but a longer one parses again), so search for that prefix.
 */
export function tomlErrorLine(text: string): number {
  const lines = text.split("\n");
  let lastGood = 0;
  for (let i = 1; i <= lines.length; i++) {
    try {
      Bun.TOML.parse(lines.slice(0, i).join("\n"));
      lastGood = i;
    } catch {
      // keep looking: a later prefix may close a multi-line value
    }
  }
  return Math.min(lastGood + 1, lines.length);
}

export function parseConfig(text: string, source: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = Bun.TOML.parse(text);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^TOML Parse error: /, "");
    return { config: defaultConfig(), problems: [`config: ${source}: line ${tomlErrorLine(text)}: not valid TOML: ${reason}; booting on defaults`] };
  }
  const result = v.safeParse(ConfigSchema, raw);
  if (result.success) return { config: result.output, problems: [] };
  return { config: defaultConfig(), problems: [`config: ${source}: ${describeIssue(result.issues[0])}; booting on defaults`] };
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const file = Bun.file(path);
  if (!(await file.exists())) return { config: defaultConfig(), problems: [] };
  return parseConfig(await file.text(), path);
}
