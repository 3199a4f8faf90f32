-- One row per answered model call through the gateway. Costs are integer
-- nano-dollars (USD x 1e9) so a month of small calls sums exactly.
CREATE TABLE llm_usage (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  month TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  purpose TEXT,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_nano INTEGER NOT NULL
);
CREATE INDEX llm_usage_provider_month ON llm_usage (provider, month);
