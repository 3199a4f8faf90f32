/**
 * Least privilege for the processes agents start (issue 11): process.spawn
 * and services run as the user the call or the service declares, within what
 * [security] allows the agent, with no_new_privs, rlimits and, where asked,
 * namespaces of their own.
 *
 * Bun.spawn runs no code between fork and exec, so the work is done by a
 * wrapper argv of BusyBox applets the image has (build/busybox.mk; Debian's
 * BusyBox setpriv knows --nnp but not --reuid, chpst is not built in):
 *
 *   /bin/sh -c 'ulimit -n 4096 ...; exec "$0" "$@"'   rlimits, set while still root
 *   /usr/bin/unshare -m -p -f --mount-proc ...          namespaces (needs root)
 *   /usr/bin/nsenter -S UID -G GID                      setgroups(0) + setgid + setuid
 *   /bin/setpriv --nnp                                  PR_SET_NO_NEW_PRIVS
 *   PROGRAM ARGS...
 *
 * In dev mode aios-init is not root and the host need not have BusyBox:
 * nothing is applied, and every result says so.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ProcessError } from "./errors";

export type Namespace = "mount" | "pid" | "ipc" | "uts" | "net";
export type LimitName = "nofile" | "nproc" | "as_mb" | "cpu_s" | "fsize_mb" | "core_mb";

/** One sandbox table of config.toml ([security.spawn], or an agent's, where every key is optional). */
export interface SandboxTable {
  user?: string;
  no_new_privs?: boolean;
  namespaces?: readonly Namespace[];
  limits?: Partial<Record<LimitName, number>>;
}

/** [security] as the tools get it (ToolEnv.sandbox). */
export interface SandboxSettings {
  spawn: Required<SandboxTable>;
  agents: Readonly<Record<string, SandboxTable>>;
}

export const DEFAULT_SANDBOX: SandboxSettings = { spawn: { user: "", no_new_privs: true, namespaces: [], limits: { nofile: 4096, core_mb: 0 } }, agents: {} };

/**
 * The part of ToolEnv (define.ts) the sandbox reads. Declared here, not
 * imported, because ToolEnv names SandboxSettings: importing it back would be
 * a cycle.
 */
export interface SandboxEnv {
  mode: "pid1" | "dev";
  root: string;
  sandbox?: SandboxSettings;
}

/** What one process gets. uid/gid undefined: aios-init's own (root). */
export interface SandboxSpec {
  uid?: number;
  gid?: number;
  noNewPrivs: boolean;
  namespaces: Namespace[];
  limits: Partial<Record<LimitName, number>>;
}

/** [security.spawn] with the agent's own table on top, key by key. */
export function tableFor(settings: SandboxSettings | undefined, agent: string): Required<SandboxTable> {
  const s = settings ?? DEFAULT_SANDBOX;
  const a = s.agents[agent] ?? {};
  return {
    user: a.user ?? s.spawn.user,
    no_new_privs: a.no_new_privs ?? s.spawn.no_new_privs,
    namespaces: a.namespaces ?? s.spawn.namespaces,
    limits: { ...s.spawn.limits, ...a.limits },
  };
}

/** "" → undefined (aios-init's own); "nobody", "1000", "1000:100" → ids, names from the guest's /etc/passwd. */
export function resolveUser(env: SandboxEnv, tool: string, user: string): { uid: number; gid: number } | undefined {
  if (user === "") return undefined;
  const ids = /^(\d+)(?::(\d+))?$/.exec(user);
  if (ids) {
    const uid = Number(ids[1]);
    return { uid, gid: ids[2] === undefined ? uid : Number(ids[2]) };
  }
  let passwd = "";
  try {
    passwd = readFileSync(join(env.root, "etc/passwd"), "utf8");
  } catch {
    // no passwd: names cannot be resolved
  }
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] === user && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new ProcessError("no_user", tool, user, "no such user in /etc/passwd");
}

/**
 * The sandbox of one process: the agent's table, and the user the call or
 * service declares. An agent confined to a user cannot declare another one.
 */
export function sandboxFor(env: SandboxEnv, tool: string, agent: string, declared: string | undefined): SandboxSpec {
  const t = tableFor(env.sandbox, agent);
  const forced = resolveUser(env, tool, t.user);
  let ids = forced;
  if (declared !== undefined) {
    const wanted = resolveUser(env, tool, declared);
    if (forced && (wanted === undefined || wanted.uid !== forced.uid || wanted.gid !== forced.gid)) {
      throw new ProcessError("forbidden", tool, declared, `agent ${agent} runs processes as ${t.user} ([security.agents.${agent}] or [security.spawn] user); it may not ask for another user`);
    }
    ids = wanted;
  }
  return { ...ids, noNewPrivs: t.no_new_privs, namespaces: [...t.namespaces], limits: { ...t.limits } };
}

const ULIMIT: Record<LimitName, [flag: string, per: number]> = {
  nofile: ["-n", 1],
  nproc: ["-u", 1],
  as_mb: ["-v", 1024], // KiB
  cpu_s: ["-t", 1],
  fsize_mb: ["-f", 2048], // 512-byte blocks in BusyBox ash
  core_mb: ["-c", 2048],
};
const UNSHARE: Record<Namespace, string> = { mount: "-m", pid: "-p", ipc: "-i", uts: "-u", net: "-n" };

/** In words, for results and logs: "uid 65534 gid 65534, no_new_privs, nofile=64, namespaces mount pid". */
export function describeSandbox(s: SandboxSpec): string {
  const parts = [s.uid === undefined ? "as aios-init" : `uid ${s.uid} gid ${s.gid}`];
  if (s.noNewPrivs) parts.push("no_new_privs");
  const limits = Object.entries(s.limits).map(([k, v]) => `${k}=${v}`);
  if (limits.length) parts.push(limits.join(" "));
  if (s.namespaces.length) parts.push(`namespaces ${s.namespaces.join(" ")}`);
  return parts.join(", ");
}

/**
 * The argv that runs `argv` inside the sandbox, and how it was applied. In
 * dev mode the argv is unchanged and `applied` says what was not done.
 */
export function wrapArgv(env: SandboxEnv, argv: readonly string[], s: SandboxSpec): { argv: string[]; applied: string } {
  if (env.mode !== "pid1") return { argv: [...argv], applied: `not applied (dev mode runs no sandbox; in the VM: ${describeSandbox(s)})` };
  let out = [...argv];
  if (s.noNewPrivs) out = ["/bin/setpriv", "--nnp", ...out];
  if (s.uid !== undefined) out = ["/usr/bin/nsenter", "-S", String(s.uid), "-G", String(s.gid ?? s.uid), ...out];
  if (s.namespaces.length) {
    const flags = s.namespaces.map((n) => UNSHARE[n]);
    if (s.namespaces.includes("pid")) flags.push("-f", "--mount-proc"); // its own PID 1, and a /proc that shows only its own
    out = ["/usr/bin/unshare", ...flags, ...out];
  }
  const ulimits = (Object.entries(s.limits) as Array<[LimitName, number]>).map(([k, v]) => `ulimit ${ULIMIT[k][0]} ${v * ULIMIT[k][1]}`);
  if (ulimits.length) out = ["/bin/sh", "-c", `${ulimits.join(" && ")} && exec "$0" "$@"`, ...out];
  return { argv: out, applied: describeSandbox(s) };
}
