/** `remember <text>`: stores a note in long-term memory (searchable with `recall`). */
import { defineCommand } from "../command";
import { memoryOf } from "./memory";

const TITLE = 60;

export const remember = defineCommand({
  name: "remember",
  summary: "store a note in long-term memory",
  usage: "remember <text>",
  run: async (args, io) => {
    const text = args.join(" ").trim();
    if (!text) {
      io.print("usage: remember <text>");
      return;
    }
    const m = memoryOf(io);
    const firstLine = text.split("\n", 1)[0]!;
    const title = firstLine.length > TITLE ? `${firstLine.slice(0, TITLE - 3).trimEnd()}...` : firstLine;
    const r = await m.longterm.ingest({ title, text, format: "text" });
    m.operational.event("memory.ingest", "console", { id: r.id, chunks: r.chunks, deduplicated: r.deduplicated });
    io.print(r.deduplicated ? `already remembered (document ${r.id})` : `remembered as document ${r.id} (${r.chunks} chunk${r.chunks === 1 ? "" : "s"})`);
  },
});
