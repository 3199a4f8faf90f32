/**
 * Questions about aiOS itself ("how do I import a model?", "what does
 * supervised mean?"), answered from long-term memory (aiOS's own
 * documentation is ingested on first boot): memory.search with the
 * question's words. Last in the catalogue: a question any other intent
 * reads is about the system's state, not its documentation. "What is X" is
 * taken only for a concept: not for this machine's state ("what is my
 * hostname", "what is using port 80"), which the other intents read or
 * refuse.
 */
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

/** Words that are no subject to look up on their own. */
const EMPTY: ReadonlySet<string> = new Set(["it", "this", "that", "them", "these", "those", "why", "what", "how", "so", "then", "now", "there", "here", "fix", "do", "does", "did", "done", "solve", "sort", "out", "handle", "deal", "with", "to", "about", "the", "a", "an", "thing", "things", "stuff", "one", "me", "us"]);

export const knowledge = defineIntent<{ query: string }>({
  name: "knowledge",
  summary: "answer a question from aiOS's documentation",
  examples: ["how do I import a model?", "what does supervised mean?", "explain autonomy levels", "tell me about the watchlist"],
  forms: [
    "how (do|can|should|would|could|might) (i|we|you|one|someone|a user) {q:text}",
    "how to {q:text}",
    "how (does|do) {q:text} work",
    "how (is|are) {q:text} (configured|done|set up|implemented|documented|decided|chosen|computed|calculated|stored|kept|used)",
    "what does {q:text} (mean|do|stand for)",
    "what (is|are) (meant by|the meaning of|the difference between|the point of|the purpose of) {q:text}",
    "what (is|are) {q:concept}",
    "(explain|describe|define) {q:text}",
    "(tell me|teach me|remind me) about {q:text}",
    "(teach me|show me) how (to|do i|can i|i can) {q:text}",
    "(is|are) there [any] (documentation|docs|a doc|a guide|help|a manual) (on|about|for) {q:text}",
    "(where|how) (is|are) {q:text} (documented|explained|described|configured)",
    "(documentation|docs|help|manual|guide) (for|on|about) {q:text}",
    "what can (you|aios|i) do [with {q:text}]",
    "(help|usage|what are your commands|what commands are there)",
  ],
  build(c) {
    const query = c.get<string>("q");
    // "Explain why", "how do I fix it": nothing to look up but what the pronoun stands for, which the documentation does not know.
    if (query !== undefined && query.toLowerCase().split(/\s+/).every((w) => EMPTY.has(w))) return refuse(`"${query}" names nothing to look up; ask about a thing (e.g. "how do I import a model?")`);
    return { query: query ?? "what aiOS can do" };
  },
  describe: (a) => `"${a.query}"`,
  async plan(a) {
    return [task("knowledge", "Look it up in aiOS's documentation", "task", [call("memory.search", { query: a.query, limit: 5 }, "long-term memory: the documentation ingested on first boot, and what aiOS learned")])];
  },
});
