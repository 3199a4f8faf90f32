/**
 * Putting the package manager into the tool host: its settings from
 * config.toml's [pkg] (defaults when none is given), the store in the working
 * database, and in the VM the repository disk mounted on first use.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Config, defaultConfig, durationMs } from "../../config";
import { errorMessage, log } from "../../sys";
import type { HostProvider } from "../define";
import type { ToolEnv } from "../define";
import { PkgManager, type PkgSettings } from "./manager";
import { mountRepository } from "./mount";
import { hostOf } from "./paths";
import { PackageStore } from "./store";

const DATA = "/var/lib/aios";

/** Host path of a guest path: /var/lib/aios is `env.paths.data`; the rest is under `env.root`. */
export function guestToHost(env: ToolEnv, guest: string): string {
  if (guest === DATA || guest.startsWith(`${DATA}/`)) return join(env.paths.data, guest.slice(DATA.length));
  return hostOf(env.root, guest);
}

/**
 * In dev mode the sandbox has no /etc/aios/pkg/provided; the list `make`
 * generated in this checkout stands in (out/build/provided), or none.
 */
function devProvided(): string | null {
  const p = join(import.meta.dir, "../../../out/build/provided");
  return existsSync(p) ? p : null;
}

export function pkgSettings(env: ToolEnv, pkg: Config["pkg"] = defaultConfig().pkg): PkgSettings {
  const provided = guestToHost(env, pkg.provided);
  return {
    repositories: pkg.repositories.map((r) => ({ url: r.url, suite: r.suite, components: [...r.components] })),
    architecture: pkg.architecture,
    cacheDir: guestToHost(env, pkg.cache_dir),
    timeoutMs: durationMs(pkg.timeout),
    provided: existsSync(provided) || env.mode === "pid1" ? provided : devProvided(),
    hostPath: (p) => guestToHost(env, p),
    prepare: env.mode === "pid1" && pkg.repo_device ? (_repo, dir) => mountRepository(dir, pkg.repo_device) : undefined,
  };
}

/** The working database, where the installed-packages store lives. */
export function workingDb(env: ToolEnv, config?: Config): string {
  return guestToHost(env, (config ?? defaultConfig()).memory.working_db);
}

/**
 * A HostProvider for ToolHost.pkg; boot passes the loaded config, tests
 * nothing (defaults). It puts back installed packages whose files are gone
 * (the VM's root is in RAM) before the service provider starts services.
 */
export function pkgProvider(config?: Config): HostProvider {
  return ({ env, working }) => {
    const pkg = new PkgManager(new PackageStore(working), pkgSettings(env, config?.pkg));
    // In the background: boot does not wait; pkg calls queue behind it (the manager is exclusive) and services wait for `restored`.
    pkg.restored = pkg.restore({ root: env.root, callId: null, lenientOwners: env.mode === "dev" && process.getuid?.() !== 0 }).then(
      (r) => {
        if (r.restored.length) log.info(`pkg: reinstalled ${r.restored.length} packages from the cache (${r.restored.join(", ")})`);
        for (const f of r.failed) log.warn(`pkg: ${f.name} is recorded as installed but its files are missing and it could not be reinstalled: ${f.error}`);
      },
      (err) => log.warn(`pkg: putting installed packages back: ${errorMessage(err)}`),
    );
    return { host: { pkg }, stop: () => pkg.restored };
  };
}
