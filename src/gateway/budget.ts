/**
 * Money. Prices are USD per million tokens; one token at $P/Mtok costs P*1000
 * nano-dollars, so costs are integers and a month's sum is exact.
 *
 * `monthly_budget_usd` bounds what a priced provider may spend in a UTC
 * calendar month; 0 (the shipped value) means it may spend nothing, so a
 * priced provider stays off until someone sets a budget. A provider whose
 * prices are both 0 (a local server) costs nothing and needs no budget. The
 * check runs before each call against what is already spent, so calls in
 * flight when the budget is reached may overshoot it by their own cost.
 */
import type { Usage } from "./types";
import { NANO_PER_USD } from "./usage";

export interface Prices {
  inputPerMtok: number;
  outputPerMtok: number;
}

export function costNano(usage: Usage, prices: Prices): number {
  return Math.round(usage.inputTokens * prices.inputPerMtok * 1000 + usage.outputTokens * prices.outputPerMtok * 1000);
}

export function usd(nano: number): number {
  return nano / NANO_PER_USD;
}

/** Cents when the amount is whole cents ("$5.00"), else four decimals ("$0.0123"). */
export function formatUsd(amount: number): string {
  const wholeCents = Math.abs(amount * 100 - Math.round(amount * 100)) < 1e-9;
  return `$${amount.toFixed(wholeCents ? 2 : 4)}`;
}

export function isPriced(p: Prices): boolean {
  return p.inputPerMtok > 0 || p.outputPerMtok > 0;
}

/** Why a provider may not be called this month, or null when it may. */
export function budgetRefusal(provider: string, budgetUsd: number, prices: Prices, spentNano: number, month: string): string | null {
  if (!isPriced(prices)) return null;
  if (budgetUsd <= 0) return `monthly_budget_usd is 0, which keeps a priced provider off; set [api.${provider}] monthly_budget_usd to use it`;
  if (spentNano >= Math.round(budgetUsd * NANO_PER_USD)) return `monthly budget of ${formatUsd(budgetUsd)} reached (${formatUsd(usd(spentNano))} spent in ${month})`;
  return null;
}
