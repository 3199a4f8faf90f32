import { describe, expect, test } from "bun:test";
import { lex } from "./lex";
import { captures, type Cap, literals, parsePattern, type SlotEnv, type State, step } from "./pattern";
import { SLOTS } from "./slots";

const env: SlotEnv = { slots: SLOTS };

function run(pattern: string, text: string): Record<string, unknown[]> | null {
  const tokens = lex(text);
  const out = step(parsePattern(pattern), tokens, new Map<number, State>([[0, { pos: 0, caps: null as Cap | null, fixes: [], named: 0 }]]), { typos: false, env });
  const end = out.get(tokens.length);
  return end ? captures(end.caps) : null;
}

describe("patterns", () => {
  test("literals (lemma-aware), optional parts, alternatives, slots and set captures", () => {
    const p = "(stop <a=stop>|restart <a=restart>) [the] {names:services} [service]";
    expect(run(p, "stop the nginx service")).toEqual({ a: ["stop"], names: [["nginx"]] });
    expect(run(p, "restart nginx and redis services")).toEqual({ a: ["restart"], names: [["nginx", "redis"]] });
    expect(run(p, "start nginx")).toBeNull();
    expect(run("list (package)", "list packages")).toEqual({});
  });

  test("a plural literal reads the singular too ('list every user'); word! reads that form only", () => {
    expect(run("list every users", "list every user")).toEqual({});
    expect(run("delete the (rules! <all=true>|rule)", "delete the rules")).toEqual({ all: [true] });
    expect(run("delete the (rules! <all=true>|rule)", "delete the rule")).toEqual({});
  });

  test("malformed patterns and unknown slots are errors when the catalogue is built", () => {
    expect(() => parsePattern("(a|b")).toThrow("missing )");
    expect(() => parsePattern("a ] b")).toThrow("unexpected ]");
    expect(() => parsePattern("{x:nope}", new Set(["path"]))).toThrow("unknown slot type nope");
  });

  test("alternatives of single words are one node; literals are the vocabulary", () => {
    expect(parsePattern("(a|b|c)")).toEqual({ k: "lit", words: ["a", "b", "c"] });
    expect([...literals(parsePattern("(show|list) [the] {path} now"))]).toEqual(["show", "list", "the", "now"]);
  });

  test("matching is polynomial: many optional parts over a long clause stay fast", () => {
    const p = parsePattern(Array.from({ length: 30 }, () => "[x|y]").join(" "));
    const tokens = lex("x ".repeat(60));
    const t0 = performance.now();
    step(p, tokens, new Map([[0, { pos: 0, caps: null, fixes: [], named: 0 }]]), { typos: false, env });
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
