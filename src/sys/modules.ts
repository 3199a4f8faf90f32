/**
 * Kernel modules the way modprobe loads them, without a process: find each
 * module in modules.dep, load what it depends on first, then finit_module(2)
 * the file. A module already loaded (EEXIST) counts as done.
 */
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AiosError, SysError } from "./errors";
import { finitModule, MODULE_INIT_COMPRESSED_FILE } from "./libc";
import { kernelRelease } from "./proc";

export interface ModuleEntry {
  /** Relative to the modules directory, as modules.dep writes it. */
  path: string;
  /** Direct and indirect dependencies; modprobe loads them from the last to the first. */
  deps: string[];
}

/** A module file the kernel decompresses itself (finit_module with MODULE_INIT_COMPRESSED_FILE). */
const COMPRESSED = /\.(xz|zst|gz)$/;

/** Module names use `_` where file names may use `-` (virtio-net.ko is virtio_net). */
export function moduleName(pathOrName: string): string {
  const base = pathOrName.slice(pathOrName.lastIndexOf("/") + 1);
  return base.replace(COMPRESSED, "").replace(/\.ko$/, "").replaceAll("-", "_");
}

/** modules.dep: `kernel/x/a.ko: kernel/x/b.ko kernel/x/c.ko`, one module a line. */
export function parseModulesDep(text: string): Map<string, ModuleEntry> {
  const modules = new Map<string, ModuleEntry>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    modules.set(moduleName(path), { path, deps: line.slice(colon + 1).trim().split(/\s+/).filter(Boolean) });
  }
  return modules;
}

/** The files to load for `names`, dependencies first, each once (`modprobe -a` order). */
export function loadOrder(modules: Map<string, ModuleEntry>, names: string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    order.push(path);
  };
  for (const requested of names) {
    const entry = modules.get(moduleName(requested));
    if (!entry) throw new AiosError("not_found", `modprobe ${requested}: not in modules.dep`);
    for (const dep of [...entry.deps].reverse()) add(dep);
    add(entry.path);
  }
  return order;
}

export interface LoadReport {
  loaded: string[];
  /** Already in the kernel (EEXIST). */
  already: string[];
  /** Built into the kernel (modules.builtin): nothing to load, and no error, as with modprobe. */
  builtin: string[];
}

function builtinNames(dir: string): Set<string> {
  try {
    return new Set(readFileSync(join(dir, "modules.builtin"), "utf8").split("\n").filter(Boolean).map(moduleName));
  } catch {
    return new Set(); // depmod writes it; without one, every name must be in modules.dep
  }
}

/** Whether a module is loaded and its init has run (`live`); /init loads the disk drivers before aios-init starts. */
function isLive(name: string, sysModule: string): boolean {
  try {
    return readFileSync(join(sysModule, name, "initstate"), "utf8").trim() === "live";
  } catch {
    return false;
  }
}

/**
 * Loads `names` and their dependencies from DIR (default /lib/modules/$(uname -r)).
 * A module already live in SYSMODULE is not read again: finit_module would
 * check its signature before saying EEXIST, which costs under TCG.
 */
export function loadModules(names: string[], dir = join("/lib/modules", kernelRelease()), sysModule = "/sys/module"): LoadReport {
  const modules = parseModulesDep(readFileSync(join(dir, "modules.dep"), "utf8"));
  const builtin = builtinNames(dir);
  const report: LoadReport = { loaded: [], already: [], builtin: names.filter((n) => builtin.has(moduleName(n))) };
  for (const path of loadOrder(modules, names.filter((n) => !builtin.has(moduleName(n))))) {
    const name = moduleName(path);
    if (isLive(name, sysModule)) {
      report.already.push(name);
      continue;
    }
    const fd = openSync(join(dir, path), "r");
    try {
      finitModule(fd, `modprobe ${name}`, COMPRESSED.test(path) ? MODULE_INIT_COMPRESSED_FILE : 0);
      report.loaded.push(name);
    } catch (err) {
      if (!(err instanceof SysError && err.code === "EEXIST")) throw err;
      report.already.push(name);
    } finally {
      closeSync(fd);
    }
  }
  return report;
}
