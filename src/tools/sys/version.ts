/**
 * sys.version: what is running: the kernel (uname via /proc/sys/kernel), the
 * architecture, the OS (/etc/os-release, or aiOS itself with its BusyBox
 * when the image has none), aiOS's version and commit, and the Bun runtime.
 */
import * as v from "valibot";
import { buildInfo, osRelease, run, uname } from "../../sys";
import { defineTool } from "../define";
import { currentHostname } from "./settings";

const BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"];

/** `BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.` → `1.35.0`. */
export function parseBusyboxVersion(banner: string): string | null {
  return /BusyBox v(\d+(?:\.\d+)+\S*)/.exec(banner)?.[1] ?? null;
}

/** The BusyBox version from its banner (it prints one when run without an applet), or null when there is none. */
export async function busyboxVersion(signal: AbortSignal, paths: readonly string[] = BUSYBOX): Promise<string | null> {
  const bin = paths.find((p) => Bun.file(p).size > 0);
  if (!bin) return null;
  try {
    const r = await run([bin], { timeoutMs: 2_000 });
    if (signal.aborted) throw signal.reason;
    return parseBusyboxVersion(r.stdout + r.stderr);
  } catch (err) {
    if (err === signal.reason) throw err;
    return null; // not runnable here: the version is just unknown
  }
}

export const sysVersion = defineTool({
  name: "sys.version",
  description:
    "The machine's hostname (uname's nodename) and versions: the kernel (name, release, build string, like uname -srv), the machine architecture, the operating system (from /etc/os-release, else aiOS with its BusyBox version), aiOS's own version and the commit it was built from, and the Bun runtime's version.",
  input: v.strictObject({}),
  output: v.object({
    /** The running kernel's hostname (uname -n). */
    hostname: v.string(),
    kernel: v.object({ name: v.string(), release: v.string(), version: v.string() }),
    architecture: v.string(),
    os: v.object({
      name: v.string(),
      id: v.nullable(v.string()),
      version: v.nullable(v.string()),
      prettyName: v.string(),
      /** Where the OS facts came from: an os-release file, or aiOS's own build (no os-release in the image). */
      source: v.picklist(["os-release", "aios"]),
    }),
    busybox: v.nullable(v.string()),
    aios: v.object({ version: v.string(), commit: v.nullable(v.string()) }),
    bun: v.string(),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  async execute(_args, ctx) {
    const u = uname();
    const build = buildInfo();
    const busybox = await busyboxVersion(ctx.signal);
    const release = osRelease();
    const f = release?.fields;
    const os = f
      ? { name: f.NAME ?? "Linux", id: f.ID ?? null, version: f.VERSION_ID ?? f.VERSION ?? null, prettyName: f.PRETTY_NAME ?? `${f.NAME ?? "Linux"}${f.VERSION ? ` ${f.VERSION}` : ""}`, source: "os-release" as const }
      : { name: "aiOS", id: "aios", version: build.version, prettyName: `aiOS ${build.version}${busybox ? ` (BusyBox ${busybox})` : ""}`, source: "aios" as const };
    return {
      hostname: currentHostname(),
      kernel: { name: u.sysname, release: u.release, version: u.version },
      architecture: u.machine,
      os,
      busybox,
      aios: { version: build.version, commit: build.commit },
      bun: Bun.version,
    };
  },
  summarize(out) {
    const details = [out.aios.commit ? `commit ${out.aios.commit}` : null, out.busybox ? `BusyBox ${out.busybox}` : null].filter((d) => d !== null);
    const aios = `aiOS ${out.aios.version}${details.length ? ` (${details.join(", ")})` : ""}`;
    const os = out.os.source === "aios" ? aios : `${out.os.prettyName}, ${aios}`;
    return `Host ${out.hostname}: ${os} on ${out.kernel.name} ${out.kernel.release} (${out.architecture}); Bun ${out.bun}.`;
  },
});
