/**
 * Facts about the build that the compiled aios-init carries as constants
 * (Bun.build `define`): the package version and the commit it was built
 * from, read by src/sys/build.ts. The commit gets `-dirty` when tracked files
 * differ from it; it is null outside a git checkout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");

function git(...args: string[]): string | null {
  const r = Bun.spawnSync(["git", ...args], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
  return r.exitCode === 0 ? r.stdout.toString().trim() : null;
}

export function buildDefines(): Record<string, string> {
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const head = git("rev-parse", "--short=12", "HEAD");
  const dirty = head !== null && (git("status", "--porcelain", "--untracked-files=no") ?? "") !== "";
  return {
    AIOS_VERSION: JSON.stringify(version),
    AIOS_COMMIT: JSON.stringify(head === null ? null : `${head}${dirty ? "-dirty" : ""}`),
  };
}
