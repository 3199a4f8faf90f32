import { describe, expect, test } from "bun:test";
import { formatBytes, formatClock, formatDuration, formatMs, formatPercent } from "./units";

describe("formatBytes", () => {
  test("bytes below 1 KiB, then binary units with one decimal", () => {
    expect([0, 512, 1023, 1024, 1536, 12.3 * 1024 * 1024, 4 * 1024 ** 3, 3 * 1024 ** 4].map(formatBytes)).toEqual([
      "0 B", "512 B", "1023 B", "1.0 KiB", "1.5 KiB", "12.3 MiB", "4.0 GiB", "3.0 TiB",
    ]);
  });
  test("rounding carries into the next unit", () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe("1.0 MiB");
    expect(formatBytes(1024 * 1023.9)).toBe("1023.9 KiB");
  });
  test("negative and non-finite", () => {
    expect(formatBytes(-2048)).toBe("-2.0 KiB");
    expect(formatBytes(Number.NaN)).toBe("? B");
  });
});

describe("formatDuration", () => {
  test("the two largest units", () => {
    expect([0, 45, 60, 303, 3600, 3 * 3600 + 12 * 60 + 5, 86_400, 2 * 86_400 + 4 * 3600 + 59].map(formatDuration)).toEqual([
      "0 s", "45 s", "1 min", "5 min 3 s", "1 h", "3 h 12 min", "1 d", "2 d 4 h",
    ]);
  });
  test("fractions are cut, nonsense is marked", () => {
    expect(formatDuration(59.9)).toBe("59 s");
    expect(formatDuration(-1)).toBe("? s");
  });
});

test("formatMs: milliseconds, then seconds with a decimal, then as formatDuration", () => {
  expect([850, 12_400, 10_000, 200_000, 11_520_000].map(formatMs)).toEqual(["850 ms", "12.4 s", "10 s", "3 min 20 s", "3 h 12 min"]);
  expect(formatMs(-1)).toBe("? s");
});

test("formatPercent keeps one decimal at most", () => {
  expect([0.54, 12, 99.99].map(formatPercent)).toEqual(["0.5%", "12%", "100%"]);
});

test("formatClock: the time alone today, the date too otherwise", () => {
  const now = new Date(2025, 0, 31, 15, 0).getTime();
  expect(formatClock(new Date(2025, 0, 31, 10, 2).getTime(), now)).toBe("10:02");
  expect(formatClock(new Date(2025, 0, 30, 23, 59).getTime(), now)).toBe("2025-01-30 23:59");
  expect(formatClock(new Date(2025, 0, 30, 23, 59).toISOString(), now)).toBe("2025-01-30 23:59");
});
