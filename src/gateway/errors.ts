/**
 * Gateway errors. A ProviderError is one provider failing one attempt; it
 * says whether another attempt at the same provider may succeed. A
 * GatewayError is what the caller sees: every provider failed (with each
 * one's reason), the call was cancelled, or a stream broke after output.
 * Messages name the provider and never carry a key (see secrets.ts).
 */
import { AiosError } from "../sys";

export const PROVIDER_ERROR_CODES = [
  "EBUDGET", // monthly budget reached
  "ERATELIMIT", // our own limiter (or a retry-after) would wait longer than max_wait
  "EHTTP", // a 429 or 5xx after the retries, or another status
  "EAUTH", // 401/403: the key is wrong or lacks permission
  "EBADREQUEST", // 400/404/413/422: this provider refused the request
  "EMALFORMED", // the answer is not what the wire format promises
  "ETIMEOUT",
  "ENETWORK",
  "ENOKEY",
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export class ProviderError extends AiosError {
  declare readonly code: ProviderErrorCode;
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

/** ENOPROVIDER: none answered; EABORTED: the caller's signal fired; EINTERRUPTED: a stream broke after output; EBADTOOL: a tool cannot be offered. */
export type GatewayErrorCode = "ENOPROVIDER" | "EABORTED" | "EINTERRUPTED" | "EBADTOOL";

export class GatewayError extends AiosError {
  declare readonly code: GatewayErrorCode;
  /** Each provider tried and why it did not answer, in order. */
  readonly failures: ProviderError[];
  constructor(code: GatewayErrorCode, message: string, opts: { failures?: ProviderError[]; cause?: unknown } = {}) {
    super(code, message, { cause: opts.cause });
    this.failures = opts.failures ?? [];
  }
}

export function malformed(provider: string, what: string): ProviderError {
  return new ProviderError(provider, "EMALFORMED", `malformed response: ${what}`);
}
