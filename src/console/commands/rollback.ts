/** `rollback <callId>`: undo one call; `rollback goal <correlationId>`: undo a goal's calls, newest first. */
import { defineCommand } from "../command";
import { describeFailure } from "./call";
import { toolsOf } from "./tools";

export const rollback = defineCommand({
  name: "rollback",
  summary: "undo a call, or every undoable call of a goal (newest first)",
  usage: "rollback <callId> | rollback goal <correlationId>",
  run: async (words, io) => {
    const t = toolsOf(io);
    try {
      if (words[0] === "goal" && words[1]) {
        const out = await t.executor.rollbackCorrelation(words[1], "console");
        const lines = [`goal ${out.correlationId}: undid ${out.undone.length ? out.undone.join(" ") : "nothing"}`];
        for (const s of out.skipped) lines.push(`  skipped ${s.callId}: ${s.reason}`);
        if (out.failed) lines.push(`  FAILED ${out.failed.callId}: ${out.failed.message} (older calls were not tried)`);
        io.print(lines.join("\n"));
        return;
      }
      if (words.length !== 1) {
        io.print("usage: rollback <callId> | rollback goal <correlationId>");
        return;
      }
      const out = await t.executor.rollback(words[0]!, "console");
      io.print(`${out.callId} (${out.tool}) undone`);
    } catch (err) {
      io.print(`rollback: ${describeFailure(err)}`);
    }
  },
});
