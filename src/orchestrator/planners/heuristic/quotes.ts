/** Quoted strings in a goal: what the person wrote verbatim (file content, a goal to schedule, a command). */
export interface Quoted {
  /** The text between the quotes, as written. */
  text: string;
  quote: "'" | '"' | "`";
  /** Where the quoted span (quotes included) starts and ends in the clause. */
  start: number;
  end: number;
}

const OPEN: Record<string, Quoted["quote"]> = { "'": "'", '"': '"', "`": "`", "\u2018": "'", "\u201c": '"' };
const CLOSE: Record<string, string> = { "'": "'\u2019", '"': '"\u201d', "`": "`" };

/**
 * Quoted strings: '...', "...", `...` (and typographic quotes). A quote opens
 * only at the start or after a space or ( : = , so an apostrophe inside a word
 * (nginx's, don't) is not one; it closes at the next matching quote that is
 * followed by the end, a space or punctuation.
 */
export function quotedStrings(text: string): Quoted[] {
  const out: Quoted[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const q = OPEN[c];
    if (q && (i === 0 || /[\s(:=,]/.test(text[i - 1]!))) {
      for (let j = i + 1; j < text.length; j++) {
        if (CLOSE[q]!.includes(text[j]!) && (j + 1 === text.length || /[\s),.;:!?]/.test(text[j + 1]!))) {
          out.push({ text: text.slice(i + 1, j), quote: q, start: i, end: j + 1 });
          i = j;
          break;
        }
      }
    }
    i++;
  }
  return out;
}

/** The text with each quoted span replaced by as many NUL characters, so patterns never match inside quotes and offsets stay. */
export function maskQuotes(text: string, quoted: readonly Quoted[] = quotedStrings(text)): string {
  let out = text;
  for (const q of quoted) out = out.slice(0, q.start) + "\u0000".repeat(q.end - q.start) + out.slice(q.end);
  return out;
}
