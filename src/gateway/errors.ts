/**
 * Gateway errors. A ProviderError is one provider failing one attempt; it
 * says whether another attempt at the same provider may succeed. A
 * GatewayError is what the caller sees: every provider failed (with each
 * one's reason), the call was cancelled, or a stream broke after output.
 * Messages name the provider and never carry a key (see secrets.ts).
 */
import { AiosError } from "../sys";

export const PROVIDER_ERROR_CODES = [
  "over_budget", // monthly budget reached
  "rate_limited", // our own limiter (or a retry-after) would wait longer than max_wait
  "http_error", // a 429 or 5xx after the retries, or another status
  "auth_failed", // 401/403: the key is wrong or lacks permission
  "bad_request", // 400/404/413/422: this provider refused the request
  "malformed", // the answer is not what the wire format promises
  "timeout",
  "network",
  "no_key",
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export class ProviderError extends AiosError<ProviderErrorCode> {
  readonly provider: string;
  /** Another attempt at the same provider may succeed (429, 5xx, 529, timeouts, network). */
  readonly retryable: boolean;
  /** What the provider asked us to wait (retry-after), if it said. */
  readonly retryAfterMs?: number;
  readonly status?: number;
  /** The message without the provider's name. */
  readonly detail: string;
  constructor(provider: string, code: ProviderErrorCode, detail: string, opts: { retryable?: boolean; retryAfterMs?: number; status?: number; cause?: unknown } = {}) {
    super(code, `${provider}: ${detail}`, { cause: opts.cause });
    this.provider = provider;
    this.detail = detail;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
  }
}

/** no_provider: none answered; aborted: the caller's signal fired; interrupted: a stream broke after output; bad_tool: a tool cannot be offered. */
export const GATEWAY_ERROR_CODES = ["no_provider", "aborted", "interrupted", "bad_tool"] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

export class GatewayError extends AiosError<GatewayErrorCode> {
  /** Each provider tried and why it did not answer, in order. */
  readonly failures: ProviderError[];
  constructor(code: GatewayErrorCode, message: string, opts: { failures?: ProviderError[]; cause?: unknown } = {}) {
    super(code, message, { cause: opts.cause });
    this.failures = opts.failures ?? [];
  }
}

export function malformed(provider: string, what: string): ProviderError {
  return new ProviderError(provider, "malformed", `malformed response: ${what}`);
}
