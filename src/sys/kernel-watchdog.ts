/**
 * The kernel watchdog (/dev/watchdog; softdog here, loaded by initramfs/init
 * with its timeout). Once it is open, PID 1 must write to it at least every
 * timeout seconds or the kernel reboots the machine: that turns a PID 1 that
 * is stuck (its event loop blocked) into a reboot, which for a slot on trial
 * means falling back to the previous one. Writing a byte is all the API
 * needs, so this is node:fs, not libc; closing it without the magic 'V'
 * leaves it running, so nothing here ever stops it.
 */
import { constants, openSync, writeSync } from "node:fs";

export const WATCHDOG_DEVICE = "/dev/watchdog";

export interface Watchdog {
  /** Proves PID 1 is alive; call well within the timeout. */
  pet(): void;
}

/** Opens the watchdog device, which starts (or takes over) its countdown; null when there is none. */
export function openWatchdog(device = WATCHDOG_DEVICE): Watchdog | null {
  let fd: number;
  try {
    fd = openSync(device, constants.O_WRONLY); // Bun opens with O_CLOEXEC: children never hold it
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const beat = Buffer.from("1");
  const dog: Watchdog = { pet: () => void writeSync(fd, beat) };
  dog.pet(); // the fd stays open for the life of the process
  return dog;
}
