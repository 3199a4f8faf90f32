/**
 * The API's router: Hono's SmartRouter, with the answer for each fixed path
 * (no `:param`, no `*`) kept once it has been worked out.
 *
 * Written by hand because no router Hono ships fits: its fast RegExpRouter
 * refuses a static segment beside a parameter under one method (POST
 * /api/v1/audit/verify next to POST /api/v1/audit/:seq/redact), so
 * SmartRouter falls back to the TrieRouter for the whole app, and that one
 * splits the path and walks the tree (allocating as it goes) on every request:
 * about 14 µs of server CPU per GET /health on the bench machine
 * (test/bench/api.ts), a third of the request.
 *
 * A fixed path always matches the same routes, so its answer is worked out by
 * the inner router on the first request and kept. Only paths some route
 * registers, under methods some route registers, are kept: the cache is
 * bounded by the app's own route table, whatever paths and methods clients
 * send. Every other path goes to SmartRouter as before.
 */
import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";

const VARIABLE = /[:*]/;

export class FixedPathRouter<T> implements Router<T> {
  readonly name = "FixedPathRouter";
  private readonly inner: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] });
  /** The fixed paths routes register (any method: an ALL route's path is fixed for every method). */
  private readonly paths = new Set<string>();
  /** Method → fixed path → the inner router's answer, for the methods routes register. */
  private readonly answers = new Map<string, Map<string, Result<T>>>();

  add(method: string, path: string, handler: T): void {
    this.inner.add(method, path, handler);
    if (!VARIABLE.test(path)) this.paths.add(path);
    if (method !== "ALL" && !this.answers.has(method)) this.answers.set(method, new Map());
    // A route added later may change an answer kept already.
    for (const kept of this.answers.values()) kept.clear();
  }

  match(method: string, path: string): Result<T> {
    const kept = this.answers.get(method);
    if (kept === undefined) return this.inner.match(method, path);
    let answer = kept.get(path);
    if (answer === undefined) {
      answer = this.inner.match(method, path);
      if (this.paths.has(path)) kept.set(path, answer);
    }
    return answer;
  }
}
