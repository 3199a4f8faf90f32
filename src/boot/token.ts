/**
 * The admin token: `aios.token` from the kernel command line (or --token in dev
 * mode) when given; otherwise the one saved on the data disk; otherwise a new
 * one, saved 0600 and printed once on the console.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { log } from "../sys";

export const TOKEN_FILE = "api-token";

export function resolveToken(secretsDir: string, given?: string): { token: string; source: string } {
  if (given) return { token: given, source: "command line" };
  const path = join(secretsDir, TOKEN_FILE);
  if (existsSync(path)) {
    const saved = readFileSync(path, "utf8").trim();
    if (saved) return { token: saved, source: path };
  }
  const token = randomBytes(24).toString("base64url");
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // mode only applies to a new file; an existing empty one may be 0644
  log.always(`API token (shown once; saved in ${path}): ${token}`);
  return { token, source: `${path} (new)` };
}
