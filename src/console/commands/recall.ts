/** `recall <query>`: the best matches in long-term memory, with the retrievers that found them. */
import { defineCommand } from "../command";
import { memoryOf } from "./memory";

const WIDTH = 80;
const HITS = 5;

const clip = (s: string, width: number) => (s.length <= width ? s : `${s.slice(0, width - 3).trimEnd()}...`);

export const recall = defineCommand({
  name: "recall",
  summary: "search long-term memory (full text; vectors too with a model)",
  usage: "recall <query>",
  run: async (args, io) => {
    const q = args.join(" ").trim();
    if (!q) {
      io.print("usage: recall <query>");
      return;
    }
    const { hits, retrievers } = await memoryOf(io).longterm.search(q, { k: HITS });
    if (hits.length === 0) {
      io.print(`nothing found (searched: ${retrievers.join(", ")})`);
      return;
    }
    const lines: string[] = [];
    hits.forEach((h, i) => {
      const where = h.context && h.context !== h.title ? `${h.title} > ${h.context}` : h.title;
      lines.push(clip(`${i + 1}. ${where}  [${h.retrievers.join("+")}] #${h.documentId}`, WIDTH));
      lines.push(clip(`   ${h.text.replace(/\s+/g, " ")}`, WIDTH));
    });
    lines.push(`(searched: ${retrievers.join(", ")})`);
    io.print(lines.join("\n"));
  },
});
