/**
 * PID 1's first line. main.ts imports this module before any other, so it
 * runs before the rest of the program is evaluated (a second or so under
 * TCG): the console says at once which image and slot are starting — the
 * line to look for when a new slot never gets further — and the boot report
 * gets the moment the program got control (bench-boot's "Bun start").
 */
import { readFileSync } from "node:fs";

function imageVersion(): string {
  try {
    return /^IMAGE_VERSION=(.*)$/m.exec(readFileSync("/usr/lib/os-release", "utf8"))?.[1] ?? "?";
  } catch {
    return "?";
  }
}

/** Milliseconds since the kernel started when the program got control (PID 1), else null. */
export let helloMs: number | null = null;

if (process.pid === 1) {
  helloMs = Math.round(Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000);
  const slot = process.env.AIOS_SLOT;
  const where = slot ? ` from slot ${slot}${process.env.AIOS_TRIAL === "1" ? " (its trial boot)" : ""}` : "";
  process.stderr.write(`aios: starting aiOS ${imageVersion()}${where}\n`);
}
