/**
 * What the model gateway spent: one row per answered call, in the working
 * database, so a provider's monthly budget survives a reboot. Months are UTC
 * calendar months ("2026-11"); costs are integer nano-dollars (USD x 1e9),
 * which keeps the sum of a month of sub-cent calls exact.
 */
import { applyMigrations, type Db, type Migration, type Statement } from "../memory";
import usage from "./migrations/001_usage.sql" with { type: "text" };

const USAGE_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "usage", sql: usage }];

export const NANO_PER_USD = 1_000_000_000;

export interface UsageEntry {
  ts: number;
  provider: string;
  model: string;
  purpose?: string;
  inputTokens: number;
  outputTokens: number;
  costNano: number;
}

export interface UsageRow extends UsageEntry {
  id: number;
  month: string;
}

export interface UsageTotal {
  provider: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costNano: number;
}

/** The UTC calendar month of a timestamp, as "YYYY-MM". */
export function monthOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 7);
}

interface RawRow {
  id: number;
  ts: number;
  month: string;
  provider: string;
  model: string;
  purpose: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_nano: number;
}

export class UsageStore {
  private readonly insert: Statement;
  private readonly spent: Statement;
  private readonly totalsByMonth: Statement;
  private readonly latest: Statement;

  constructor(db: Db) {
    applyMigrations(db, "usage", USAGE_MIGRATIONS);
    this.insert = db.prepare(
      "INSERT INTO llm_usage (ts, month, provider, model, purpose, input_tokens, output_tokens, cost_nano) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    );
    this.spent = db.prepare("SELECT COALESCE(SUM(cost_nano), 0) AS n FROM llm_usage WHERE provider = ?1 AND month = ?2");
    this.totalsByMonth = db.prepare(
      "SELECT provider, COUNT(*) AS calls, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost_nano) AS cost_nano FROM llm_usage WHERE month = ?1 GROUP BY provider ORDER BY provider",
    );
    this.latest = db.prepare("SELECT * FROM llm_usage ORDER BY id DESC LIMIT ?1");
  }

  record(e: UsageEntry): UsageRow {
    for (const [k, n] of [["inputTokens", e.inputTokens], ["outputTokens", e.outputTokens], ["costNano", e.costNano]] as const) {
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`usage ${e.provider}: ${k} must be a non-negative integer (got ${n})`);
    }
    const month = monthOf(e.ts);
    const row = this.insert.get(e.ts, month, e.provider, e.model, e.purpose ?? null, e.inputTokens, e.outputTokens, e.costNano) as { id: number };
    return { ...e, id: row.id, month };
  }

  /** Nano-dollars a provider spent in a month ("YYYY-MM"). */
  spentNano(provider: string, month: string): number {
    return (this.spent.get(provider, month) as { n: number }).n;
  }

  totals(month: string): UsageTotal[] {
    return (this.totalsByMonth.all(month) as Array<{ provider: string; calls: number; input_tokens: number; output_tokens: number; cost_nano: number }>).map((r) => ({
      provider: r.provider,
      calls: r.calls,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      costNano: r.cost_nano,
    }));
  }

  /** Newest first. */
  recent(limit = 50): UsageRow[] {
    return (this.latest.all(Math.max(0, Math.min(limit, 10_000))) as RawRow[]).map((r) => ({
      id: r.id,
      ts: r.ts,
      month: r.month,
      provider: r.provider,
      model: r.model,
      purpose: r.purpose ?? undefined,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      costNano: r.cost_nano,
    }));
  }
}
