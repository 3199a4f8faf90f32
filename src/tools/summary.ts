/**
 * The words every tool's `summarize` uses, so answers read alike whichever
 * tool found the figure: counted nouns ("1 file", "3 files"), lists that stop
 * after a few items ("a, b, c and 4 more"), lines cut to a width, excerpts
 * of output. The figures themselves (sizes, durations, times) are units.ts's.
 */

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
