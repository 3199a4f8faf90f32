/**
 * The admin token: `aios.token` from the kernel command line (or --token in dev
 * mode) when given; otherwise the one saved on the data disk; otherwise a new
 * one, saved 0600 and printed once on the console.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { log, writeFileDurable } from "../sys";

export const TOKEN_FILE = "api-token";

export function resolveToken(secretsDir: string, given?: string): { token: string; source: string } {
  if (given) return { token: given, source: "command line" };
  const path = join(secretsDir, TOKEN_FILE);
  if (existsSync(path)) {
    const saved = readFileSync(path, "utf8").trim();
    if (saved) return { token: saved, source: path };
  }
  const token = randomBytes(24).toString("base64url");
  // On disk before it is shown: a power cut must not leave a token printed once and then gone (or a file of NULs).
  writeFileDurable(path, `${token}\n`, { mode: 0o600 });
  log.always(`API token (shown once; saved in ${path}): ${token}`);
  return { token, source: `${path} (new)` };
}
