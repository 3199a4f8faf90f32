/**
 * What a refusal says: which clause, the words not understood (or why what
 * was understood cannot be done), and the closest things aiOS can do, each
 * with an example a person can type.
 */
import type { Fix } from "./pattern";
import type { GoalMiss } from "./reading";
import type { Intent } from "./intent";
import type { Token } from "./lex";

const quote = (s: string) => JSON.stringify(s);

/** "clause 2 of 3 ("make coffee")" or the goal itself. */
export function where(text: string, index: number, count: number): string {
  return count <= 1 ? quote(text) : `clause ${index + 1} of ${count} (${quote(text)})`;
}

export function typoNote(fixes: readonly Fix[]): string {
  return fixes.length ? ` (read ${fixes.map((f) => `"${f.from}" as "${f.to}"`).join(", ")})` : "";
}

/** With nothing close, the catalogue in a line: all of it when small, else its headings. */
const HEADINGS = "install and remove packages; start, stop and restart services; show disk, memory, CPU and processes; read, write and edit files; manage users and groups; open and close firewall ports; schedule jobs; check ports, hosts and DNS; rotate logs and free disk space; undo changes; answer questions about aiOS";

function suggest(intents: readonly Intent[], catalogue: readonly Intent[]): string {
  if (intents.length) return `closest things aiOS can do: ${intents.map((i) => `${i.summary} (e.g. ${quote(i.examples[0]!)})`).join("; ")}`;
  const known = catalogue.filter((i) => !i.refusal);
  return `aiOS can: ${known.length <= 12 ? knownIntents(catalogue) : HEADINGS}`;
}

/** The catalogue's summaries, refusal entries left out. */
export function knownIntents(catalogue: readonly Intent[]): string {
  return catalogue.filter((i) => !i.refusal).map((i) => i.summary).join(", ");
}

/** The words from the furthest point any intent reached, as written. */
function notUnderstood(goalText: string, tokens: readonly Token[], furthest: number): string {
  if (furthest >= tokens.length) return "";
  return goalText.slice(tokens[furthest]!.start, tokens[tokens.length - 1]!.end);
}

export function missMessage(miss: GoalMiss, goalText: string, catalogue: readonly Intent[]): string {
  const at = where(miss.text, miss.index, miss.count);
  const whole = miss.count > 1 ? "; the goal is refused as a whole" : "";
  const r = miss.result;
  if (r.kind === "refused") {
    if (r.intent.refusal) return `${at} is refused: ${r.reason}${whole}`;
    return `${at} reads as "${r.intent.summary}"${typoNote(r.fixes)}, but ${r.reason}${whole}`;
  }
  const rest = notUnderstood(goalText, miss.tokens, r.furthest);
  const what =
    r.furthest === 0 || rest === ""
      ? r.furthest === 0
        ? `I did not understand ${at}`
        : `${at} is not complete: say what to act on`
      : `I did not understand ${quote(rest)} in ${at}`;
  return `${what}${whole}; ${suggest(r.closest(), catalogue)}`;
}
