/**
 * The words and units every tool's `summarize` uses, so answers read alike
 * whichever tool found the figure: sizes in binary units with one decimal
 * ("12.3 MiB"), durations a person reads ("3 h 12 min"), counted nouns
 * ("1 file", "3 files") and lists that stop after a few items ("a, b, c and
 * 4 more").
 */

const UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** 512 → "512 B", 12_900_000 → "12.3 MiB". */
export function size(bytes: number): string {
  if (!Number.isFinite(bytes)) return "? B";
  const sign = bytes < 0 ? "-" : "";
  let n = Math.abs(bytes);
  if (n < 1024) return `${sign}${Math.round(n)} B`;
  n /= 1024;
  let unit = 0;
  // Compare the rounded figure, so 1023.96 KiB reads "1.0 MiB", not "1024.0 KiB".
  while (unit < UNITS.length - 1 && Math.round(n * 10) / 10 >= 1024) {
    n /= 1024;
    unit++;
  }
  return `${sign}${n.toFixed(1)} ${UNITS[unit]}`;
}

/** 850 → "850 ms", 12_400 → "12.4 s", 200_000 → "3 min 20 s", 11_520_000 → "3 h 12 min", days past 48 h. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d >= 2) return `${d} days ${h} h`;
  if (d || h) return `${d * 24 + h} h ${m} min`;
  return `${m} min ${s % 60} s`;
}

/** 12.345 → "12.3%". */
export function percent(p: number): string {
  return `${Math.round(p * 10) / 10}%`;
}

/** plural(1, "file") → "1 file"; plural(3, "entry", "entries") → "3 entries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The first `max` items joined by commas, then "and N more". */
export function listOf(items: readonly string[], max = 5, empty = "none"): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(", ")} and ${rest} more` : shown.join(", ");
}

/** A time (ms since the epoch or an ISO string) as "2025-01-31 12:00 UTC". */
export function when(t: number | string): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Cuts a line a person reads at `max` characters, marking the cut. */
export function clip(text: string, max = 120): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * Up to `max` lines, indented under the summary line, with a note of what was
 * left out: the last lines of a log (`tail`), the first of a file (`head`).
 */
export function indented(lines: readonly string[], max = 20, from: "head" | "tail" = "tail", width = 200): string[] {
  const left = lines.length - max;
  const shown = (from === "tail" ? lines.slice(-max) : lines.slice(0, max)).map((l) => `  ${l.length > width ? `${l.slice(0, width - 1)}…` : l}`);
  if (left <= 0) return shown;
  return from === "tail" ? [`  (${plural(left, "earlier line")} not shown)`, ...shown] : [...shown, `  (${plural(left, "more line")} not shown)`];
}
