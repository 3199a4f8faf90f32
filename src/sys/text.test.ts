import { describe, expect, test } from "bun:test";
import { duration, mib, table } from "./text";

describe("format", () => {
  test("table pads every column but the last and trims line ends", () => {
    expect(table([["a", "bb", "c"], ["ccc", "d", ""]])).toBe("a    bb  c\nccc  d");
    expect(table([["only"]])).toBe("only");
  });

  test("mib rounds to whole MiB", () => {
    expect(mib(0)).toBe("0 MiB");
    expect(mib(1024 * 1024)).toBe("1 MiB");
    expect(mib(1.5 * 1024 * 1024)).toBe("2 MiB");
    expect(mib(2048 * 1024 * 1024)).toBe("2048 MiB");
  });

  test("duration: seconds with a decimal below a minute, then min/s, then h/min", () => {
    expect(duration(0)).toBe("0.0 s");
    expect(duration(1234)).toBe("1.2 s");
    expect(duration(60_000)).toBe("1 min 0 s");
    expect(duration(83_000)).toBe("1 min 23 s");
    expect(duration(3_599_999)).toBe("59 min 59 s");
    expect(duration(3_600_000)).toBe("1 h 0 min");
    expect(duration(90_061_000)).toBe("25 h 1 min");
  });

  // Regression: the "< 60 s" branch rounds with toFixed(1), so 59.95..59.999 s once
  // printed as "60.0 s"; it now switches to minutes from 59.95 s.
  test("just under a minute never prints as 60.0 s", () => {
    expect(duration(59_999)).not.toBe("60.0 s");
  });
});
