/**
 * From what a person types to an FTS5 query. Words are quoted (so `-`, `:`,
 * `*` and `AND` in the input are text, never query syntax) and OR-ed: bm25
 * ranks chunks that contain more of the words, and rarer ones, higher.
 * Common English words are dropped unless nothing else is left.
 */

const STOPWORDS = new Set(
  (
    "a an and are as at be by can could do does did for from has have how i if in into is it its me my of on or our " +
    "should so that the their then there these this to was we what when where which who why will with would you your"
  ).split(" "),
);

/** The words of a query, lower-cased, as the unicode61 tokenizer splits them. */
export function queryTerms(q: string): string[] {
  const words = (q.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 64);
  const content = words.filter((w) => !STOPWORDS.has(w));
  return [...new Set(content.length ? content : words)];
}

/** An FTS5 MATCH expression, or null when the query has no words at all. */
export function ftsQuery(q: string): string | null {
  const terms = queryTerms(q);
  return terms.length ? terms.map((t) => `"${t}"`).join(" OR ") : null;
}
