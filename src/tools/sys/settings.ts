/**
 * Machine settings the sys.* tools change and boot applies again: the
 * hostname and the time zone, one line each in <data>/system/{hostname,timezone}
 * (Debian's /etc/hostname and /etc/timezone, on the data disk because the
 * VM's root is in RAM). Written durably; a value that no longer validates is
 * ignored at boot with a warning, never applied.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, realpathSync, symlinkSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import { dirname, join, relative } from "node:path";
import { TIME_ZONE } from "../../config";
import { errorCode, mkdirDurable, removeDurable, renameDurable, writeFileDurable } from "../../sys";

export type SettingName = "hostname" | "timezone";
export const SETTINGS_DIR = "system";
export const ZONEINFO = "/usr/share/zoneinfo";
export const LOCALTIME = "/etc/localtime";

/** RFC 1123 host names: labels of letters, digits and inner hyphens, dot-separated, 64 characters at most (the kernel's limit). */
export const HOSTNAME = /^(?=.{1,64}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function settingPath(dataDir: string, name: SettingName): string {
  return join(dataDir, SETTINGS_DIR, name);
}

/** The stored value, or null when none was set. */
export function readSetting(dataDir: string, name: SettingName): string | null {
  try {
    return readFileSync(settingPath(dataDir, name), "utf8").trim() || null;
  } catch (err) {
    if (errorCode(err) === "ENOENT") return null;
    throw err;
  }
}

/** Stores a value durably; null forgets it (boot falls back to config.toml). */
export function writeSetting(dataDir: string, name: SettingName, value: string | null): void {
  const path = settingPath(dataDir, name);
  if (value === null) {
    removeDurable(path);
    return;
  }
  mkdirDurable(dirname(path));
  writeFileDurable(path, `${value}\n`, { mode: 0o644 });
}

/** The running kernel's hostname. */
export function currentHostname(): string {
  try {
    return readFileSync("/proc/sys/kernel/hostname", "utf8").trim();
  } catch {
    return osHostname();
  }
}

// ---- time zones -------------------------------------------------------------

/** Where zone files are: the image's in the VM; the host's in dev mode (read only: the sandbox has none). */
export function zoneinfoDir(env: { mode: "pid1" | "dev"; root: string }): string {
  return env.mode === "pid1" ? join(env.root, ZONEINFO) : ZONEINFO;
}

function isTzif(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.toString("latin1") === "TZif";
  } finally {
    closeSync(fd);
  }
}

function zoneNames(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(join(dir, sub));
    } catch {
      return;
    }
    for (const n of names) {
      const rel = sub ? `${sub}/${n}` : n;
      if (!TIME_ZONE.test(rel) || (depth === 0 && (n === "posix" || n === "right"))) continue;
      try {
        const st = lstatSync(join(dir, rel));
        if (st.isDirectory()) walk(rel, depth + 1);
        else out.push(rel);
      } catch {
        // gone meanwhile
      }
    }
  };
  walk("", 0);
  return out;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The zone names closest to a mistyped one (case first, then spelling), at most three. */
export function closestZones(dir: string, zone: string): string[] {
  const names = zoneNames(dir);
  const lower = zone.toLowerCase();
  const same = names.filter((n) => n.toLowerCase() === lower);
  if (same.length) return same.slice(0, 3);
  return names
    .map((n) => ({ n, d: distance(n.toLowerCase(), lower) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(zone.length / 4)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((x) => x.n);
}

/** Whether aios-init's own clock (ICU, through TZ) knows the zone. */
export function icuKnows(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why `zone` cannot be used, or null: its file must be a TZif file inside the zoneinfo directory, and ICU must know it too (unless `icu` is false). */
export function zoneProblem(dir: string, zone: string, opts: { icu?: boolean } = {}): string | null {
  if (!TIME_ZONE.test(zone)) return 'must be a time zone name such as "UTC" or "Europe/Berlin"';
  const path = join(dir, zone);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    const near = closestZones(dir, zone);
    return `no time zone ${zone} in ${ZONEINFO}${near.length ? `; did you mean ${near.join(", ")}?` : ""}`;
  }
  const inside = relative(realpathSync(dir), real);
  if (inside.startsWith("..") || !lstatSync(real).isFile() || !isTzif(real)) return `${zone} is not a zone file in ${ZONEINFO}`;
  if (opts.icu !== false && !icuKnows(zone)) return `${zone} is in ${ZONEINFO} but not a zone aios-init's clock knows; use its current name`;
  return null;
}

/** What /etc/localtime is now, to put it back exactly. */
export type LocaltimeState = { kind: "link"; target: string } | { kind: "file"; base64: string } | { kind: "none" };

export function readLocaltime(path: string): LocaltimeState {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return { kind: "link", target: readlinkSync(path) };
    return { kind: "file", base64: readFileSync(path).toString("base64") };
  } catch (err) {
    if (errorCode(err) === "ENOENT") return { kind: "none" };
    throw err;
  }
}

/** Replaces /etc/localtime atomically (a new link renamed over it), as Debian's `ln -sf` leaves it. */
export function writeLocaltime(path: string, state: LocaltimeState): void {
  if (state.kind === "none") {
    removeDurable(path);
    return;
  }
  mkdirDurable(dirname(path));
  if (state.kind === "file") {
    writeFileDurable(path, Buffer.from(state.base64, "base64"), { mode: 0o644 });
    return;
  }
  const tmp = `${path}.aios-tmp-${process.pid}`;
  removeDurable(tmp);
  symlinkSync(state.target, tmp);
  renameDurable(tmp, path);
}

/** The zone /etc/localtime points at, when it is a link into the zoneinfo directory. */
export function zoneOfLocaltime(state: LocaltimeState): string | null {
  if (state.kind !== "link") return null;
  const m = /(?:^|\/)zoneinfo\/(.+)$/.exec(state.target);
  return m && TIME_ZONE.test(m[1]!) ? m[1]! : null;
}

/** Local time in a zone, "2025-01-31 13:00:00", and its offset, "+01:00" (ICU: independent of the process's TZ). */
export function clockIn(zone: string, at = new Date()): { localTime: string; utcOffset: string } | null {
  if (!icuKnows(zone)) return null;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const offset = (parts.timeZoneName ?? "GMT").replace(/^GMT/, "") || "+00:00";
  return { localTime: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`, utcOffset: offset };
}
