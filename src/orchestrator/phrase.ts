/**
 * A model may put a goal's answer in its own words — never its own figures.
 * The composed answer (from the tools' typed results) is the fact sheet; the
 * model's text is kept only if every number in it, with its unit, is in the
 * fact sheet, and it is not longer than it needs to be. Otherwise, or if the
 * model fails, is slow or is not configured, the composed answer stands.
 */
import type { Gateway } from "../gateway";
import { errorMessage } from "../sys";
import type { LocalGenerator } from "./planners/local";

export interface PhraseRequest {
  goal: string;
  state: "done" | "failed" | "cancelled";
  /** The composed answer: the only facts the model may use. */
  facts: string;
  signal?: AbortSignal;
}

/** A model that rewords an answer: the gateway's or a local one. */
export interface AnswerPhraser {
  name: string;
  phrase(req: PhraseRequest): Promise<string | undefined>;
}

export const PHRASE_RULES = [
  "You reword the result of a system administration task for the person who asked for it.",
  "Use only the facts given. Keep every figure exactly as written, with its unit; add no number, no unit, no name, no advice that is not in the facts.",
  "Keep it short: a few lines of plain text, no Markdown headings, no preamble.",
].join(" ");

const prompt = (r: PhraseRequest) => `The person asked: ${r.goal}\nOutcome: ${r.state}\nFacts:\n${r.facts}\n\nWrite the answer.`;

const NUMBER_WORDS: Record<string, string> = {
  // "one" is left out: "no one", "one of the tasks" are not figures.
  zero: "0", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9", ten: "10",
  eleven: "11", twelve: "12", thirteen: "13", fourteen: "14", fifteen: "15", sixteen: "16", seventeen: "17", eighteen: "18", nineteen: "19", twenty: "20",
  thirty: "30", forty: "40", fifty: "50", sixty: "60", seventy: "70", eighty: "80", ninety: "90", hundred: "100", thousand: "1000", million: "1000000", billion: "1000000000",
};

const FIGURE = /(\d+(?:[.,:]\d+)*)(?:\s*(%|[KMGTP]i?B\b|B\b|bytes?\b|ms\b|s\b|min\b|h\b|days?\b|MHz\b|Mb\/s\b))?/g;

/** Each figure of a text as "number" and, when a unit follows it, "number unit". */
function figures(text: string): { numbers: Set<string>; withUnits: Set<string> } {
  const numbers = new Set<string>();
  const withUnits = new Set<string>();
  for (const m of text.matchAll(FIGURE)) {
    numbers.add(m[1]!);
    if (m[2]) withUnits.add(`${m[1]} ${m[2]}`);
  }
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) if (NUMBER_WORDS[w]) numbers.add(NUMBER_WORDS[w]!);
  return { numbers, withUnits };
}

/**
 * Whether `text` states only figures that `facts` states: every number (digits
 * or a number word) must be one of the facts' numbers, and every number with
 * a unit must appear with that unit. "12.3 GiB" for "12.3 MiB" fails.
 */
export function keepsFigures(text: string, facts: string): boolean {
  const have = figures(facts);
  const said = figures(text);
  for (const n of said.numbers) if (!have.numbers.has(n)) return false;
  for (const u of said.withUnits) if (!have.withUnits.has(u)) return false;
  return true;
}

/**
 * The first phraser's wording that comes back, if it keeps to the facts; the
 * composed answer otherwise (`why` says why, for the trace). Never throws.
 */
export async function phraseAnswer(phrasers: readonly AnswerPhraser[], req: PhraseRequest, timeoutMs = 20_000): Promise<{ answer: string; by?: string; why?: string }> {
  const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const failures: string[] = [];
  for (const phraser of phrasers) {
    let text: string | undefined;
    try {
      text = (await phraser.phrase({ ...req, signal }))?.trim();
    } catch (err) {
      failures.push(`${phraser.name}: ${errorMessage(err)}`);
      continue;
    }
    if (!text) continue; // not configured
    if (text.length > Math.max(400, req.facts.length * 2)) return { answer: req.facts, why: `${phraser.name}'s wording was longer than the facts warrant` };
    if (!keepsFigures(text, req.facts)) return { answer: req.facts, why: `${phraser.name}'s wording has a figure the tools did not report` };
    return { answer: text, by: phraser.name };
  }
  return { answer: req.facts, why: failures.length ? failures.join("; ") : undefined };
}

/** The external model, through the gateway (budget, retries, usage recorded as "answer goal N"). */
export function gatewayPhraser(gateway: () => Gateway | undefined, maxTokens = 400): AnswerPhraser {
  return {
    name: "gateway",
    async phrase(req) {
      const g = gateway();
      if (!g) return undefined;
      const r = await g.complete({ system: PHRASE_RULES, messages: [{ role: "user", content: prompt(req) }], maxTokens, temperature: 0, signal: req.signal, purpose: "answer" });
      return r.text;
    },
  };
}

/** The local tactical model, when a generative one is configured. */
export function localPhraser(runtime: () => LocalGenerator | undefined, maxTokens = 300): AnswerPhraser {
  return {
    name: "local",
    async phrase(req) {
      const rt = runtime();
      const model = rt?.tactical();
      if (!rt || !model || "none" in model || model.task !== "generate") return undefined;
      const r = await rt.generate(model.name, { messages: [{ role: "system", content: PHRASE_RULES }, { role: "user", content: prompt(req) }], maxTokens, temperature: 0 }, { signal: req.signal });
      return r.text;
    },
  };
}
