/**
 * The model gateway: one `complete`/`stream` for the orchestrator, whatever
 * provider answers. For each call it walks the providers in order (the
 * fallback_only ones last) and for each: is there a key, is there budget left
 * this month, does the rate limit allow a request soon enough; then up to
 * 1 + max_retries attempts with exponential backoff and jitter, or the wait a
 * 429 asks for, on 429/5xx/529, timeouts and cut connections. A provider that
 * cannot answer gives way to the next; the caller sees every reason only when
 * none answered. Usage is priced and written to the usage store as each answer
 * arrives.
 */
import { log } from "../sys";
import { budgetRefusal, costNano, isPriced, usd } from "./budget";
import { requestKey, type ResponseCache } from "./cache";
import { GatewayError, ProviderError } from "./errors";
import { Deadline, post, readJsonBody, transportError } from "./http";
import { type Clock, RateLimiter, realClock, seconds } from "./limiter";
import { anthropic } from "./providers/anthropic";
import { openai } from "./providers/openai";
import { type Answer, estimateTokens, type Piece, type ProviderConfig, type WireProtocol } from "./providers/provider";
import { readSse } from "./sse";
import { ToolNames } from "./tools";
import type { CompletionRequest, CompletionResult, Gateway, GatewayStatus, ProviderStatus, StreamEvent } from "./types";
import { monthOf, NANO_PER_USD, type UsageStore } from "./usage";

const WIRES: Record<ProviderConfig["protocol"], WireProtocol> = { anthropic, openai };

export interface GatewayOptions {
  /** In the order config gives; fallback_only providers are moved last per call. */
  providers: ProviderConfig[];
  usage: UsageStore;
  /** Longest a call waits on one provider's rate limit or retry-after before moving on. */
  maxWaitMs: number;
  cache?: ResponseCache | null;
  clock?: Clock;
  /** Backoff before retry n (from 0): base * 2^n, capped, times a random factor in [0.5, 1). */
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
}

export class ModelGateway implements Gateway {
  private readonly providers: ProviderConfig[];
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly usage: UsageStore;
  private readonly clock: Clock;
  private readonly cache: ResponseCache | null;
  private readonly maxWaitMs: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly random: () => number;

  constructor(opts: GatewayOptions) {
    this.providers = opts.providers;
    this.usage = opts.usage;
    this.clock = opts.clock ?? realClock;
    this.cache = opts.cache ?? null;
    this.maxWaitMs = opts.maxWaitMs;
    this.backoff = opts.backoff ?? { baseMs: 500, maxMs: 8000 };
    this.random = opts.random ?? Math.random;
    for (const p of this.providers) this.limiters.set(p.name, new RateLimiter(p.name, { rpm: p.rpm, tpm: p.tpm }, this.clock));
  }

  async complete(req: CompletionRequest): Promise<CompletionResult> {
    const names = new ToolNames(req.tools ?? []);
    const candidates = this.candidates(req);
    const key = this.cache ? requestKey(req, route(candidates)) : "";
    const hit = this.cache?.get(key);
    if (hit) return { ...hit, costUsd: 0, cached: true };

    const failures: ProviderError[] = [];
    for (const [i, p] of candidates.entries()) {
      try {
        const result = await this.attempts(p, req, async (deadline) => {
          const wire = WIRES[p.protocol];
          const http = wire.request(p, req, names, false);
          const o = { provider: p.name, ...http, deadline, caller: req.signal, key: p.key };
          const res = await post(o);
          return wire.parse(p, await readJsonBody(o, res), names, req);
        });
        this.cache?.put(key, result);
        return result;
      } catch (err) {
        this.giveWay(err, failures, req, i === candidates.length - 1);
      }
    }
    throw exhausted(failures, req);
  }

  async *stream(req: CompletionRequest): AsyncGenerator<StreamEvent> {
    const names = new ToolNames(req.tools ?? []);
    const candidates = this.candidates(req);
    const key = this.cache ? requestKey(req, route(candidates)) : "";
    const hit = this.cache?.get(key);
    if (hit) {
      if (hit.text) yield { type: "text", text: hit.text };
      for (const call of hit.toolCalls) yield { type: "tool_call", ...call };
      yield { type: "done", result: { ...hit, costUsd: 0, cached: true } };
      return;
    }

    const failures: ProviderError[] = [];
    for (const [i, p] of candidates.entries()) {
      let emitted = false;
      try {
        for await (const piece of this.streamAttempts(p, req, names)) {
          if (piece.type === "end") {
            const result = this.settle(p, req, piece.answer);
            this.cache?.put(key, result);
            yield { type: "done", result };
            return;
          }
          emitted = true;
          yield piece;
        }
        throw new ProviderError(p.name, "malformed", "stream ended without an answer");
      } catch (err) {
        // Output already reached the caller: another provider would repeat or contradict it.
        if (emitted && err instanceof ProviderError) throw new GatewayError("interrupted", `gateway: ${err.message}, after part of the answer was streamed`, { cause: err, failures: [...failures, err] });
        this.giveWay(err, failures, req, i === candidates.length - 1);
      }
    }
    throw exhausted(failures, req);
  }

  status(): GatewayStatus {
    const month = monthOf(this.clock.now());
    const totals = new Map(this.usage.totals(month).map((t) => [t.provider, t]));
    const providers = this.ordered().map((p): ProviderStatus => {
      const spent = totals.get(p.name)?.costNano ?? 0;
      const limiter = this.limiters.get(p.name)!;
      const reason = p.unusable ?? budgetRefusal(p.name, p.monthlyBudgetUsd, p.prices, spent, month) ?? undefined;
      const finite = (n: number) => (Number.isFinite(n) ? Math.floor(n) : null);
      return {
        name: p.name,
        protocol: p.protocol,
        baseUrl: p.baseUrl,
        model: p.model,
        fallbackOnly: p.fallbackOnly,
        key: p.keySource,
        available: reason === undefined,
        ...(reason ? { reason } : {}),
        budget: {
          month,
          monthlyUsd: p.monthlyBudgetUsd,
          spentUsd: usd(spent),
          leftUsd: isPriced(p.prices) ? usd(Math.max(0, Math.round(p.monthlyBudgetUsd * NANO_PER_USD) - spent)) : null,
          calls: totals.get(p.name)?.calls ?? 0,
        },
        prices: { inputPerMtokUsd: p.prices.inputPerMtok, outputPerMtokUsd: p.prices.outputPerMtok },
        rateLimit: { rpm: p.rpm, tpm: p.tpm, requestsAvailable: finite(limiter.requests.available()), tokensAvailable: finite(limiter.tokens.available()), blockedForMs: limiter.blockedForMs() },
      };
    });
    return {
      enabled: true,
      order: providers.map((p) => p.name),
      maxWaitMs: this.maxWaitMs,
      cache: { enabled: this.cache !== null, ttlMs: this.cache?.ttlMs ?? 0, dir: this.cache?.dir ?? null },
      providers,
    };
  }

  /** Configured order with fallback_only providers last. */
  private ordered(): ProviderConfig[] {
    return [...this.providers.filter((p) => !p.fallbackOnly), ...this.providers.filter((p) => p.fallbackOnly)];
  }

  private candidates(req: CompletionRequest): ProviderConfig[] {
    const all = this.ordered();
    return req.providers ? all.filter((p) => req.providers!.includes(p.name)) : all;
  }

  /** Why this provider cannot take a call now, before any request is made. */
  private preflight(p: ProviderConfig): void {
    if (p.unusable) throw new ProviderError(p.name, "no_key", p.unusable);
    const month = monthOf(this.clock.now());
    const refusal = budgetRefusal(p.name, p.monthlyBudgetUsd, p.prices, this.usage.spentNano(p.name, month), month);
    if (refusal) throw new ProviderError(p.name, "over_budget", refusal);
  }

  private giveWay(err: unknown, failures: ProviderError[], req: CompletionRequest, last: boolean): void {
    if (req.signal?.aborted) throw aborted(req, err);
    if (!(err instanceof ProviderError)) throw err;
    failures.push(err);
    const line = `gateway: ${err.message}${last ? "" : "; trying the next provider"}`;
    // A missing key or a spent budget is a standing state (GET /gateway shows it), not news on every call.
    if (err.code === "no_key") log.debug(line);
    else if (err.code === "over_budget") log.info(line);
    else log.warn(line);
  }

  /** A plain call's attempts at one provider. */
  private async attempts(p: ProviderConfig, req: CompletionRequest, once: (d: Deadline) => Promise<Answer>): Promise<CompletionResult> {
    this.preflight(p);
    const estimate = estimateRequest(req);
    for (let attempt = 0; ; attempt++) {
      await this.admit(p, req, estimate);
      const deadline = new Deadline(p.timeoutMs, req.signal);
      try {
        const answer = await once(deadline);
        return this.settle(p, req, answer, estimate);
      } catch (err) {
        await this.beforeRetry(p, req, err, attempt);
      } finally {
        deadline.clear();
      }
    }
  }

  /** A stream's attempts at one provider; only a stream that has yielded nothing is tried again. */
  private async *streamAttempts(p: ProviderConfig, req: CompletionRequest, names: ToolNames): AsyncGenerator<Piece> {
    this.preflight(p);
    const estimate = estimateRequest(req);
    const wire = WIRES[p.protocol];
    for (let attempt = 0; ; attempt++) {
      await this.admit(p, req, estimate);
      const deadline = new Deadline(p.timeoutMs, req.signal);
      const http = wire.request(p, req, names, true);
      const o = { provider: p.name, ...http, deadline, caller: req.signal, key: p.key };
      let emitted = false;
      try {
        const res = await post(o);
        if (!res.body) throw new ProviderError(p.name, "malformed", "malformed response: stream has no body");
        for await (const piece of wire.stream(p, readSse(res.body, () => deadline.touch()), names, req)) {
          if (piece.type === "end") {
            this.limiters.get(p.name)!.settle(estimate, piece.answer.usage.inputTokens + piece.answer.usage.outputTokens);
            yield piece;
            return;
          }
          emitted = true;
          yield piece;
        }
      } catch (err) {
        const e = err instanceof ProviderError || err instanceof GatewayError ? err : transportError(o, err);
        if (emitted) throw e;
        await this.beforeRetry(p, req, e, attempt);
      } finally {
        deadline.clear();
      }
    }
  }

  private async admit(p: ProviderConfig, req: CompletionRequest, estimate: number): Promise<void> {
    try {
      await this.limiters.get(p.name)!.admit(estimate, this.maxWaitMs, req.signal);
    } catch (err) {
      if (req.signal?.aborted) throw aborted(req, err);
      throw err;
    }
  }

  /** Rethrows what must not be retried; otherwise waits out the backoff or the provider's retry-after. */
  private async beforeRetry(p: ProviderConfig, req: CompletionRequest, err: unknown, attempt: number): Promise<void> {
    if (!(err instanceof ProviderError)) throw err;
    if (err.retryAfterMs !== undefined) this.limiters.get(p.name)!.block(err.retryAfterMs);
    if (!err.retryable) throw err;
    if (attempt >= p.maxRetries) {
      throw attempt === 0 ? err : new ProviderError(p.name, err.code, `${err.detail} (after ${attempt + 1} attempts)`, { status: err.status, cause: err });
    }
    // With a retry-after the limiter's block does the waiting.
    if (err.retryAfterMs !== undefined) {
      if (err.retryAfterMs > this.maxWaitMs) {
        throw new ProviderError(p.name, err.code, `${err.detail}; retry-after ${seconds(err.retryAfterMs)} is more than max_wait ${seconds(this.maxWaitMs)}`, { status: err.status, cause: err });
      }
      log.info(`gateway: ${err.message}; retrying in ${seconds(err.retryAfterMs)} as asked`);
      return;
    }
    const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** attempt) * (0.5 + this.random() / 2);
    log.info(`gateway: ${err.message}; retry ${attempt + 1}/${p.maxRetries} in ${seconds(delay)}`);
    try {
      await this.clock.sleep(delay, req.signal);
    } catch (e) {
      throw aborted(req, e);
    }
  }

  /** Prices an answer and records it; the month's spend moves before the caller sees the result. */
  private settle(p: ProviderConfig, req: CompletionRequest, a: Answer, estimate?: number): CompletionResult {
    if (estimate !== undefined) this.limiters.get(p.name)!.settle(estimate, a.usage.inputTokens + a.usage.outputTokens);
    const nano = costNano(a.usage, p.prices);
    this.usage.record({ ts: this.clock.now(), provider: p.name, model: a.model, purpose: req.purpose, inputTokens: a.usage.inputTokens, outputTokens: a.usage.outputTokens, costNano: nano });
    log.debug(`gateway: ${p.name} ${a.model}${req.purpose ? ` (${req.purpose})` : ""}: ${a.usage.inputTokens}+${a.usage.outputTokens} tokens, $${usd(nano).toFixed(6)}`);
    return { provider: p.name, model: a.model, text: a.text, toolCalls: a.toolCalls, stopReason: a.stopReason, usage: a.usage, costUsd: usd(nano), cached: false };
  }
}

function estimateRequest(req: CompletionRequest): number {
  return estimateTokens([req.system ?? "", req.messages, req.tools ?? []]);
}

/** What a cached answer depends on besides the request: where it could have come from. */
function route(providers: ProviderConfig[]): string {
  return providers.map((p) => `${p.name}:${p.protocol}:${p.model}`).join(",");
}

function aborted(req: CompletionRequest, cause: unknown): GatewayError {
  if (cause instanceof GatewayError && cause.code === "aborted") return cause;
  return new GatewayError("aborted", `gateway: call${req.purpose ? ` (${req.purpose})` : ""} cancelled`, { cause: req.signal?.reason ?? cause });
}

function exhausted(failures: ProviderError[], req: CompletionRequest): GatewayError {
  const what = `gateway: no provider answered${req.purpose ? ` (${req.purpose})` : ""}`;
  if (failures.length === 0) return new GatewayError("no_provider", `${what}: none is configured${req.providers ? ` among ${req.providers.join(", ")}` : ""}`);
  return new GatewayError("no_provider", `${what}: ${failures.map((f) => f.message).join("; ")}`, { failures });
}
