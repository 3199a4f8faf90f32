/**
 * Figures as a person reads them in a tool's summary: sizes in binary units
 * with one decimal ("12.3 MiB"), durations in the two largest units that
 * matter ("3 h 12 min"). Summaries are built from typed outputs, which keep
 * bytes and seconds; only these functions turn them into words.
 */

const SIZE_UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** `512 B`, `1.0 KiB`, `12.3 MiB`, `4.0 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "? B";
  const sign = bytes < 0 ? "-" : "";
  let n = Math.abs(bytes);
  if (n < 1024) return `${sign}${Math.round(n)} B`;
  let unit = 0;
  n /= 1024;
  while (n >= 1024 && unit < SIZE_UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  // Rounding can carry into the next unit: 1023.96 KiB reads as 1.0 MiB, not 1024.0 KiB.
  if (n >= 1023.95 && unit < SIZE_UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${sign}${n.toFixed(1)} ${SIZE_UNITS[unit]}`;
}

/** `45 s`, `5 min 3 s`, `3 h 12 min`, `2 d 4 h`: the two largest units, whole numbers. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "? s";
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s % 60 > 0 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${s} s`;
}

/** A short span from milliseconds: `850 ms`, `12.4 s`, `10 s`, then as formatDuration (`3 min 20 s`). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "? s";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(Math.round(ms / 1000));
}

/** A percentage with one decimal at most: `0.5%`, `12%`, `100%`. */
export function formatPercent(p: number): string {
  return `${Math.round(p * 10) / 10}%`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A moment (ms since the epoch, or an ISO string) in local time: `10:02` when it is today, `2025-01-30 10:02` otherwise. */
export function formatClock(at: number | string, now = Date.now()): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const today = new Date(now);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? hm : `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hm}`;
}
