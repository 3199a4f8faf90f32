import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, schemaVersion } from "../memory";
import { monthOf, UsageStore } from "./usage";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aios-usage-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOV = Date.UTC(2026, 10, 15);
const DEC = Date.UTC(2026, 11, 1, 0, 0, 0);

describe("UsageStore", () => {
  test("monthOf is the UTC calendar month", () => {
    expect(monthOf(NOV)).toBe("2026-11");
    expect(monthOf(DEC - 1)).toBe("2026-11");
    expect(monthOf(DEC)).toBe("2026-12");
  });

  test("sums a provider's month exactly and keeps it across a reopen", () => {
    const path = join(dir, "working.db");
    const db = openDatabase(path);
    const store = new UsageStore(db);
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) store.record({ ts: NOV + i, provider: "claude", model: "m", inputTokens: 1, outputTokens: 0, costNano: 3000 });
    })();
    store.record({ ts: NOV, provider: "openai", model: "g", purpose: "plan", inputTokens: 10, outputTokens: 5, costNano: 75_000 });
    store.record({ ts: DEC, provider: "claude", model: "m", inputTokens: 1, outputTokens: 1, costNano: 18_000 });
    expect(store.spentNano("claude", "2026-11")).toBe(3_000_000);
    db.close();

    const again = new UsageStore(openDatabase(path));
    expect(again.spentNano("claude", "2026-11")).toBe(3_000_000);
    expect(again.spentNano("claude", "2026-12")).toBe(18_000);
    expect(again.spentNano("nobody", "2026-11")).toBe(0);
    expect(again.totals("2026-11")).toEqual([
      { provider: "claude", calls: 1000, inputTokens: 1000, outputTokens: 0, costNano: 3_000_000 },
      { provider: "openai", calls: 1, inputTokens: 10, outputTokens: 5, costNano: 75_000 },
    ]);
    expect(again.recent(1)[0]).toMatchObject({ provider: "claude", month: "2026-12", costNano: 18_000 });
  });

  test("shares a database with other components under its own migration number", () => {
    const db = openDatabase(join(dir, "w.db"));
    new UsageStore(db);
    new UsageStore(db); // idempotent
    expect(schemaVersion(db, "usage")).toBe(1);
  });

  test("refuses negative or fractional figures", () => {
    const store = new UsageStore(openDatabase(":memory:"));
    expect(() => store.record({ ts: NOV, provider: "claude", model: "m", inputTokens: -1, outputTokens: 0, costNano: 0 })).toThrow("usage claude: inputTokens must be a non-negative integer (got -1)");
    expect(() => store.record({ ts: NOV, provider: "claude", model: "m", inputTokens: 1, outputTokens: 0, costNano: 0.5 })).toThrow("costNano");
  });
});
