/**
 * Facts about the build that the compiled aios-init carries as constants
 * (Bun.build `define`): the package version and the commit it was built
 * from, and the public key that update images must be signed with
 * (out/keys/update.pub, build/update.mk), read by src/sys/build.ts. The
 * commit gets `-dirty` when tracked files differ from it; it is null outside
 * a git checkout. The key is compiled in rather than read from the image at
 * run time: every file of the running system can be changed in RAM, the
 * program's constants cannot.
 */
import { existsSync, readFileSync } from "node:fs";
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
  const pub = process.env.AIOS_UPDATE_PUB ?? join(ROOT, "out/keys/update.pub");
  return {
    AIOS_UPDATE_KEY: JSON.stringify(existsSync(pub) ? readFileSync(pub, "utf8") : null),
    AIOS_VERSION: JSON.stringify(version),
    AIOS_COMMIT: JSON.stringify(head === null ? null : `${head}${dirty ? "-dirty" : ""}`),
  };
}
