/**
 * Sizes as a person reads them in a summary: "512 B", "12.3 MiB". Local to
 * the tool families that need it until a shared one exists (the answers
 * work brings src/tools/summary.ts; fold this into it then).
 */
const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let n = bytes / 1024;
  let unit = 0;
  while (unit < UNITS.length - 1 && Math.round(n * 10) / 10 >= 1024) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(1)} ${UNITS[unit]}`;
}
