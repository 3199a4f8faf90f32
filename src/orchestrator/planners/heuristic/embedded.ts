/**
 * Embedded questions: a question said inside a request ("tell me how full
 * the disk is", "let me know if port 22 is open") in the word order of the
 * direct question, for the grammar to read again when the clause as written
 * does not read (grammar.ts `readClause`).
 */
import type { Token } from "./lex";
import { WH_WORDS, YES_NO } from "./words";

const COPULA: ReadonlySet<string> = new Set(["is", "are"]);
/** What an embedded wh-question moves back: the copula, or the auxiliary of a perfect or past ("how long the machine has been up"). */
const MOVABLE: ReadonlySet<string> = new Set(["is", "are", "has", "have", "was", "were"]);

/**
 * An embedded question's word order ("what time it is", "how full the disk
 * is", "which groups bob is in", "how long the machine has been up") as the
 * direct question's: its last "is", "are", "has", "have", "was" or "were"
 * moved to just after the wh-word, or after one to three words more (the
 * wh-phrase: "how full", "which groups", "what version of kernel"), each
 * tried in turn. Only when such a verb does not already follow the
 * wh-phrase, and only tried when the clause as written does not read. A
 * yes/no question ("check whether port 22 is open") is read as the direct
 * one (`yesNo`).
 */
export function embedded(tokens: readonly Token[]): Token[][] {
  const first = tokens[0];
  if (first?.kind === "word" && first.text === "check" && tokens[1]?.kind === "word" && YES_NO.has(tokens[1].text)) return yesNo(tokens);
  if (tokens.length < 3 || first?.kind !== "word" || !WH_WORDS.has(first.text)) return [];
  let p = -1;
  for (let i = tokens.length - 1; i >= 2; i--) {
    const t = tokens[i]!;
    if (t.kind === "word" && MOVABLE.has(t.text)) {
      p = i;
      break;
    }
  }
  if (p < 2 || tokens.slice(1, Math.min(p, 4)).some((t) => t.kind === "word" && MOVABLE.has(t.text))) return [];
  const out: Token[][] = [];
  for (let at = 1; at <= Math.min(4, p - 1); at++) out.push([...tokens.slice(0, at), tokens[p]!, ...tokens.slice(at, p), ...tokens.slice(p + 1)]);
  return out;
}

/**
 * A yes/no question inside a request ("check whether port 22 is open", "let
 * me know if curl is installed": the wrapper reads as "check") as the direct
 * question: its first "is" or "are" before the subject ("is port 22 open"),
 * or "has" as "does … have" ("does deploy have sudo rights").
 */
function yesNo(tokens: readonly Token[]): Token[][] {
  for (let p = 3; p < tokens.length; p++) {
    const t = tokens[p]!;
    if (t.kind === "word" && COPULA.has(t.text)) return [[t, ...tokens.slice(2, p), ...tokens.slice(p + 1)]];
    // "whether deploy has sudo rights": "does deploy have sudo rights".
    if (t.kind === "word" && t.text === "has") return [[{ ...t, raw: "does", text: "does", lemma: "does" }, ...tokens.slice(2, p), { ...t, raw: "have", text: "have", lemma: "have" }, ...tokens.slice(p + 1)]];
  }
  return [];
}
