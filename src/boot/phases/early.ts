/**
 * Early userspace: the pseudo-filesystems PID 1 needs, the hostname, and a
 * console quiet enough for the REPL, and the watchdog. initramfs/init has
 * mounted /proc (Bun cannot start without it), /sys and /dev already.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { libc } from "../../sys";
import { definePhase, defineStep, type Step } from "../step";
import { readaheadStartStep } from "./readahead";
import { watchdogStep } from "./slot";

interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  flags: number;
  data?: string;
  required?: boolean;
}

const { NOSUID, NODEV, NOEXEC, RELATIME } = libc.MS;

/** The mount table, in order (u-root style): data, not code. */
export const EARLY_MOUNTS: MountEntry[] = [
  { source: "sysfs", target: "/sys", fstype: "sysfs", flags: NOSUID | NODEV | NOEXEC | RELATIME },
  { source: "devtmpfs", target: "/dev", fstype: "devtmpfs", flags: NOSUID, data: "mode=0755" },
  { source: "devpts", target: "/dev/pts", fstype: "devpts", flags: NOSUID | NOEXEC, data: "gid=5,mode=0620,ptmxmode=0666", required: false },
  { source: "tmpfs", target: "/dev/shm", fstype: "tmpfs", flags: NOSUID | NODEV, data: "mode=1777", required: false },
  { source: "tmpfs", target: "/run", fstype: "tmpfs", flags: NOSUID | NODEV, data: "mode=0755" },
  { source: "tmpfs", target: "/tmp", fstype: "tmpfs", flags: NOSUID | NODEV, data: "mode=1777" },
];

const FLAG_NAMES: Array<[number, string]> = [[NOSUID, "nosuid"], [NODEV, "nodev"], [NOEXEC, "noexec"], [RELATIME, "relatime"]];

/** The mount points in /proc/self/mounts (octal escapes, as in "\040" for a space, decoded). */
export function mountPoints(text = readMounts()): Set<string> {
  const points = new Set<string>();
  for (const line of text.split("\n")) {
    const target = line.split(" ")[1];
    if (target) points.add(target.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))));
  }
  return points;
}

function readMounts(): string {
  try {
    return readFileSync("/proc/self/mounts", "utf8");
  } catch {
    return ""; // no /proc: mount, and let EBUSY say what it says
  }
}

export function mountStep(m: MountEntry): Step {
  const options = [...FLAG_NAMES.filter(([bit]) => m.flags & bit).map(([, name]) => name), ...(m.data ? [m.data] : [])].join(",");
  return defineStep({
    name: `mount ${m.target}`,
    required: m.required ?? true,
    pid1Only: true,
    describe: () => `mount -t ${m.fstype} -o ${options} ${m.source} ${m.target}`,
    run: () => {
      // Looked up, not tried: initramfs/init mounts /sys and /dev, and under TCG the EBUSY
      // path (a thrown error, its stack) cost ~200 ms a mount, against a read of /proc.
      if (mountPoints().has(m.target)) return { already: `mounted before PID 1 (${m.fstype})` };
      mkdirSync(m.target, { recursive: true });
      libc.mount(m.source, m.target, m.fstype, m.flags, m.data ?? null);
    },
  });
}

export const early = definePhase({
  name: "early",
  required: true,
  steps: [
    watchdogStep, // first: /init's watchdog waits for PID 1 to take it over
    readaheadStartStep, // before the phases read more of the system image
    ...EARLY_MOUNTS.map(mountStep),
    defineStep({
      name: "hostname",
      pid1Only: true,
      required: false,
      describe: (ctx) => `hostname ${ctx.config.system.hostname}`,
      run: (ctx) => libc.sethostname(ctx.config.system.hostname),
    }),
    defineStep({
      name: "console",
      pid1Only: true,
      required: false,
      // Kernel messages would tear through the REPL's line; ctrl-alt-del must reach
      // PID 1 as SIGINT (an orderly reboot) instead of rebooting on the spot.
      describe: () => "dmesg -n 1; ctrlaltdel soft",
      run: () => {
        writeFileSync("/proc/sys/kernel/printk", "1 4 1 7\n");
        libc.reboot(libc.RB.DISABLE_CAD);
      },
    }),
  ],
});
