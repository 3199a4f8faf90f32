/**
 * The external model gateway: Anthropic and OpenAI-compatible providers behind
 * one provider-neutral `complete`/`stream`, with rate limits, fallback,
 * retries, monthly budgets, a response cache and keys that never leave it.
 */
export { budgetRefusal, costNano, formatUsd, isPriced, type Prices } from "./budget";
export { canonicalJson, requestKey, ResponseCache } from "./cache";
export { buildGateway, defaultKeyFile, resolveProviders, type GatewayBuild } from "./config";
export { GATEWAY_ERROR_CODES, GatewayError, PROVIDER_ERROR_CODES, ProviderError, type GatewayErrorCode, type ProviderErrorCode } from "./errors";
export { ModelGateway, type GatewayOptions } from "./gateway";
export { type Clock, RateLimiter, realClock, TokenBucket } from "./limiter";
export type { ProviderConfig, Protocol } from "./providers/provider";
export { readKeyFile, redact, Secret } from "./secrets";
export { toolSpec, ToolNames, wireName } from "./tools";
export { monthOf, NANO_PER_USD, UsageStore, type UsageEntry, type UsageRow, type UsageTotal } from "./usage";
export type * from "./types";
