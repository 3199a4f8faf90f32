import { describe, expect, test } from "bun:test";
import { budgetRefusal, costNano, formatUsd, usd } from "./budget";

describe("cost arithmetic", () => {
  test("USD per million tokens, in exact nano-dollars", () => {
    const sonnet = { inputPerMtok: 3, outputPerMtok: 15 };
    expect(costNano({ inputTokens: 1_000_000, outputTokens: 0 }, sonnet)).toBe(3_000_000_000);
    expect(costNano({ inputTokens: 1000, outputTokens: 200 }, sonnet)).toBe(6_000_000); // $0.003 + $0.003
    expect(usd(costNano({ inputTokens: 1234, outputTokens: 567 }, { inputPerMtok: 2.5, outputPerMtok: 10 }))).toBe(0.008755);
    expect(costNano({ inputTokens: 1, outputTokens: 1 }, { inputPerMtok: 0.15, outputPerMtok: 0.6 })).toBe(750);
    expect(costNano({ inputTokens: 10, outputTokens: 10 }, { inputPerMtok: 0, outputPerMtok: 0 })).toBe(0);
  });

  test("a thousand small calls sum exactly", () => {
    let total = 0;
    for (let i = 0; i < 1000; i++) total += costNano({ inputTokens: 1, outputTokens: 1 }, { inputPerMtok: 0.1, outputPerMtok: 0.2 });
    expect(total).toBe(300_000);
    expect(usd(total)).toBe(0.0003);
  });

  test("money is shown in cents, or to four decimals when it is not whole cents", () => {
    expect(formatUsd(5)).toBe("$5.00");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatUsd(0.01)).toBe("$0.01");
    expect(formatUsd(5.012)).toBe("$5.0120");
  });
});

describe("budgetRefusal", () => {
  const priced = { inputPerMtok: 3, outputPerMtok: 15 };
  test("allows a call while spent < budget, refuses at or past it with the month", () => {
    expect(budgetRefusal("claude", 5, priced, 4_999_999_999, "2026-11")).toBeNull();
    expect(budgetRefusal("claude", 5, priced, 5_000_000_000, "2026-11")).toBe("monthly budget of $5.00 reached ($5.00 spent in 2026-11)");
    expect(budgetRefusal("claude", 5, priced, 5_012_000_000, "2026-11")).toBe("monthly budget of $5.00 reached ($5.0120 spent in 2026-11)");
  });

  test("budget 0 keeps a priced provider off; a free provider needs no budget", () => {
    expect(budgetRefusal("claude", 0, priced, 0, "2026-11")).toBe("monthly_budget_usd is 0, which keeps a priced provider off; set [api.claude] monthly_budget_usd to use it");
    expect(budgetRefusal("local", 0, { inputPerMtok: 0, outputPerMtok: 0 }, 0, "2026-11")).toBeNull();
  });
});
