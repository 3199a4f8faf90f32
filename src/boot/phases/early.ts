/**
 * Early userspace: the pseudo-filesystems PID 1 needs, the hostname, and a
 * console quiet enough for the REPL, and the watchdog. initramfs/init has
 * mounted /proc (Bun cannot start without it), /sys and /dev already.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { libc } from "../../sys";
import { definePhase, defineStep, type Step } from "../step";
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

export function mountStep(m: MountEntry): Step {
  const options = [...FLAG_NAMES.filter(([bit]) => m.flags & bit).map(([, name]) => name), ...(m.data ? [m.data] : [])].join(",");
  return defineStep({
    name: `mount ${m.target}`,
    required: m.required ?? true,
    pid1Only: true,
    describe: () => `mount -t ${m.fstype} -o ${options} ${m.source} ${m.target}`,
    run: () => {
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
