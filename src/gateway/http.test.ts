import { describe, expect, test } from "bun:test";
import { errorBody, retryAfter, snippet } from "./http";

describe("retryAfter", () => {
  test("retry-after-ms first, then seconds, then an HTTP date", () => {
    expect(retryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "3" }))).toBe(250);
    expect(retryAfter(new Headers({ "retry-after": "3" }))).toBe(3000);
    expect(retryAfter(new Headers({ "retry-after": "0.5" }))).toBe(500);
    const now = Date.UTC(2026, 10, 15, 12);
    expect(retryAfter(new Headers({ "retry-after": new Date(now + 7000).toUTCString() }), now)).toBe(7000);
    expect(retryAfter(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfter(new Headers())).toBeUndefined();
  });
});

describe("errorBody", () => {
  test("Anthropic, OpenAI and Ollama shapes, and plain text", () => {
    expect(errorBody('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toEqual({ type: "overloaded_error", message: "Overloaded" });
    expect(errorBody('{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}')).toEqual({ type: "requests", message: "Rate limit reached" });
    expect(errorBody('{"error":{"message":"m","type":null,"code":"invalid_api_key"}}')).toEqual({ type: "invalid_api_key", message: "m" });
    expect(errorBody('{"error":"model \\"x\\" not found"}')).toEqual({ message: 'model "x" not found' });
    expect(errorBody("<html>502 Bad Gateway</html>")).toEqual({ message: "<html>502 Bad Gateway</html>" });
  });

  test("snippet keeps one line and a bounded length", () => {
    expect(snippet("a\n  b")).toBe("a b");
    expect(snippet("x".repeat(500)).length).toBe(301);
  });
});
