/**
 * Shared repetitions: a large bounded repetition written twice becomes one
 * rule, and the grammar accepts exactly what it accepted before (checked by
 * XGrammar's own matcher, string by string).
 */
import { describe, expect, test } from "bun:test";
import { xgrammar } from "./wasm";
import { shareGrammar, shareRepeats } from "./share";

const NAME = "[a-z0-9_-]{0,31}";

describe("shareRepeats", () => {
  test("a repetition written twice is hoisted into one rule; single, small and unbounded ones stay", () => {
    const ebnf = [
      `root ::= a "," b "," c`,
      `a ::= "\\"" [a-z_] ${NAME} "\\""`,
      `b ::= "\\"" ( ( [a-z_] ${NAME} ) | ( [0-9]{1,10} ( ":" [0-9]{1,10} )? ) ) "\\""`,
      `c ::= [A-Z]{1,15} [0-9]{2} [0-9]{2} [a-z]* [a-z]{3,}`,
    ].join("\n");
    const out = shareRepeats(ebnf).split("\n");
    expect(out).toEqual([
      `root ::= a "," b "," c`,
      `a ::= "\\"" [a-z_] shared_repeat_0 "\\""`,
      `b ::= "\\"" ( ( [a-z_] shared_repeat_0 ) | ( shared_repeat_1 ( ":" shared_repeat_1 )? ) ) "\\""`,
      `c ::= [A-Z]{1,15} [0-9]{2} [0-9]{2} [a-z]* [a-z]{3,}`,
      `shared_repeat_0 ::= ${NAME}`,
      `shared_repeat_1 ::= [0-9]{1,10}`,
    ]);
  });

  test("string literals, escaped brackets, lookaheads and taken names are left alone", () => {
    const ebnf = [
      `root ::= "[a]{0,9} \\" [b]{0,9}" x y shared_repeat_0`,
      `x ::= [\\]a]{0,9} (= [a]{0,9})`,
      `y ::= [\\]a]{0,9} (= [a]{0,9})`,
      `shared_repeat_0 ::= "z"`,
    ].join("\n");
    expect(shareRepeats(ebnf).split("\n")).toEqual([
      `root ::= "[a]{0,9} \\" [b]{0,9}" x y shared_repeat_0`,
      `x ::= shared_repeat_1 (= [a]{0,9})`,
      `y ::= shared_repeat_1 (= [a]{0,9})`,
      `shared_repeat_0 ::= "z"`,
      `shared_repeat_1 ::= [\\]a]{0,9}`,
    ]);
    expect(shareRepeats(`root ::= [a]{0,31}`)).toBe(`root ::= [a]{0,31}`);
  });

  test("a terminal rule with a repetition, referred to twice, keeps its first literal and refers to its rest", () => {
    const ebnf = [
      `root ::= a "," a "," b "," c "," d "," e`,
      `a ::= "\\"" "/" [^"\\\\\\0-\\x1f]* "\\""`,
      `b ::= "\\"" [a-z]+ "\\"" | "x"`,
      `c ::= "\\"" "x" "\\""`,
      `d ::= "\\"" [a-z]* e`,
      `e ::= "\\"" [a-z]* (= ",")`,
    ].join("\n");
    const refs = ebnf.replace(/^root ::= .*$/m, `root ::= a "," a "," b "," b "," c "," c "," d "," d "," e "," e`);
    expect(shareGrammar(refs).split("\n")).toEqual([
      `root ::= a "," a "," b "," b "," c "," c "," d "," d "," e "," e`,
      `a ::= "\\"" a_rest`,
      // A top-level choice, no repetition, a rule reference, a lookahead: left as they are.
      `b ::= "\\"" [a-z]+ "\\"" | "x"`,
      `c ::= "\\"" "x" "\\""`,
      `d ::= "\\"" [a-z]* e`,
      `e ::= "\\"" [a-z]* (= ",")`,
      `a_rest ::= "/" [^"\\\\\\0-\\x1f]* "\\""`,
    ]);
    // Referred to once: nothing to share.
    expect(shareGrammar(ebnf.replace(/^root ::= .*$/m, `root ::= a`))).toBe(ebnf.replace(/^root ::= .*$/m, `root ::= a`));
  });

  test("the shared grammar accepts exactly the strings the original does", async () => {
    const xg = await xgrammar();
    const ebnf = [
      `root ::= a "," b "," p "," p`,
      `a ::= "\\"" [a-z_] ${NAME} "\\""`,
      `b ::= "\\"" ( ( [a-z_] ${NAME} ) | ( [0-9]{1,10} ( ":" [0-9]{1,10} )? ) ) "\\""`,
      `p ::= "\\"" "/" [a-z/]* "\\""`,
    ].join("\n");
    const shared = shareGrammar(ebnf);
    expect(shared).toContain("p_rest");
    expect(shared).not.toBe(ebnf);
    const names = ["", "a", "_x", "9a", "a".repeat(31), "a".repeat(32), "a".repeat(33), "ab-c_9", "aB"];
    const ids = ["1", "1234567890", "12345678901", "1:2", "1:", "12:1234567890", "x:1"];
    const probes: string[] = [];
    for (const n of names) for (const m of [...names, ...ids]) for (const p of ["/", "/a/b", "a/b", "/A"]) probes.push(`"${n}","${m}","${p}","/x"`);
    const [before, after] = await Promise.all([ebnf, shared].map((e) => xg.Grammar.fromEBNF(e)));
    const accepted = async (g: typeof before) => {
      const out: string[] = [];
      for (const s of probes) if (await xg.Testings.isGrammarAcceptString(g!, s)) out.push(s);
      return out;
    };
    const want = await accepted(before);
    expect(want.length).toBeGreaterThan(10);
    expect(want.length).toBeLessThan(probes.length);
    expect(await accepted(after)).toEqual(want);
    before!.dispose();
    after!.dispose();
  }, 60_000);
});
