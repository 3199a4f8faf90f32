import { describe, expect, test } from "bun:test";
import { lex, MAX_GOAL } from "./lex";

const texts = (goal: string) => lex(goal).map((t) => t.text);
const kinds = (goal: string) => lex(goal).map((t) => `${t.kind}:${t.text}`);

describe("lex", () => {
  test("words, numbers, paths, URLs, flags and punctuation, each with its span", () => {
    expect(kinds("Check port 80 on http://10.0.2.2:8080/x, then rm -rf /tmp/a.")).toEqual([
      "word:check", "word:port", "number:80", "word:on", "url:http://10.0.2.2:8080/x", "punct:,", "word:then", "word:rm", "flag:-rf", "path:/tmp/a", "punct:.",
    ]);
    const goal = "restart nginx!";
    for (const t of lex(goal)) expect(goal.slice(t.start, t.end)).toBe(t.raw);
  });

  test("contractions and possessives are normalised; typographic apostrophes too", () => {
    expect(texts("what's eating my disk? isn't it full? don't")).toEqual(["what", "is", "eating", "my", "disk", "?", "is", "not", "it", "full", "?", "do", "not"]);
    expect(texts("show nginx's logs")).toEqual(["show", "nginx", "'s", "logs"]);
    expect(texts("what\u2019s my IP")).toEqual(["what", "is", "my", "ip"]);
  });

  test("quoted text is one token, as written", () => {
    const [, q] = lex("write 'Hello, World. then' to /etc/motd");
    expect(q).toMatchObject({ kind: "quoted", text: "Hello, World. then", quote: "'" });
  });

  test("nouns and verbs of the catalogue get their base form as lemma; names do not change", () => {
    expect(lex("packages processes uses directories nginx").map((t) => t.lemma)).toEqual(["package", "process", "use", "directory", "nginx"]);
  });

  test("a goal longer than the bound is not read", () => {
    expect(() => lex("x".repeat(MAX_GOAL + 1))).toThrow(RangeError);
    // Linear: a long goal of the worst shape for a splitter is read quickly.
    const t0 = performance.now();
    lex(`${"'a ".repeat(600)}`.slice(0, MAX_GOAL));
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
