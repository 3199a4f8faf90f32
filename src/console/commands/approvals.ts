/** `approvals`, `approve <id> [remember]`, `deny <id> [reason]`, `autonomy [level]`: the autonomy gate from the console. */
import { AUTONOMY_LEVELS, type AutonomyLevel } from "../../tools";
import { defineCommand } from "../command";
import { duration } from "../../sys/text";
import { summarizeCall } from "../../orchestrator/answer";
import { describeFailure } from "./call";
import { fitTable, toolsOf } from "./tools";

export const approvals = defineCommand({
  name: "approvals",
  summary: "calls waiting for approval",
  run: (_args, io) => {
    const t = toolsOf(io);
    const pending = t.executor.approvals.pending();
    if (!pending.length) {
      io.print(`no calls wait for approval (autonomy ${t.executor.policy.level})`);
      return;
    }
    const rows = pending.map((a) => [a.approvalId, a.callId, a.tool, a.agent, a.risk, duration(a.ageMs), JSON.stringify(a.args)]);
    io.print(fitTable([["ID", "CALL", "TOOL", "AGENT", "RISK", "AGE", "ARGS"], ...rows]));
  },
});

export const approve = defineCommand({
  name: "approve",
  summary: "run a held call (the prompt comes back at once; its result prints when done); remember approves matching calls from now on",
  usage: "approve <id> [remember]",
  run: async ([id, flag], io) => {
    const t = toolsOf(io);
    if (!id || (flag !== undefined && flag !== "remember")) {
      io.print("usage: approve <id> [remember]");
      return;
    }
    const held = t.executor.approvals.pending().find((a) => a.approvalId === id);
    const running = t.executor.approvals.approve(id, { by: "console", remember: flag === "remember" });
    const report = running.then(
      (out) => {
        if (out.decision !== "approve") return;
        const summary = held ? summarizeCall({ tool: held.tool, callId: out.callId, args: (held.args ?? {}) as Record<string, unknown>, result: out.result, answer: true }, t.registry) : JSON.stringify(out.result);
        io.print(`${out.approvalId}: ${out.callId} done${out.ruleId ? ` (remembered as rule ${out.ruleId})` : ""}: ${summary.replace(/\n/g, "\n  ")}`);
      },
      (err) => io.print(`approve: ${describeFailure(err)}`),
    );
    // The decision is taken before the call runs: a call that takes minutes (an install) reports above the prompt.
    if (!held) return report;
    io.print(`${id} approved: ${held.tool} runs now (call ${held.callId}); its result will print here`);
  },
});

export const deny = defineCommand({
  name: "deny",
  summary: "refuse a held call; it never runs",
  usage: "deny <id> [reason]",
  run: ([id, ...reason], io) => {
    const t = toolsOf(io);
    if (!id) {
      io.print("usage: deny <id> [reason]");
      return;
    }
    try {
      const out = t.executor.approvals.deny(id, { by: "console", reason: reason.length ? reason.join(" ") : undefined });
      io.print(`${out.approvalId} denied; ${out.callId} will not run`);
    } catch (err) {
      io.print(`deny: ${describeFailure(err)}`);
    }
  },
});

export const autonomy = defineCommand({
  name: "autonomy",
  summary: "show or set the autonomy level (full, supervised, manual)",
  usage: "autonomy [full|supervised|manual]",
  run: ([level], io) => {
    const t = toolsOf(io);
    if (level === undefined) {
      io.print(`autonomy ${t.executor.policy.level}`);
      return;
    }
    if (!(AUTONOMY_LEVELS as readonly string[]).includes(level)) {
      io.print(`autonomy: must be one of ${AUTONOMY_LEVELS.join(", ")} (got ${JSON.stringify(level)})`);
      return;
    }
    const before = t.executor.policy.level;
    t.executor.policy.setLevel(level as AutonomyLevel, "console");
    io.print(`autonomy ${before} → ${level}`);
  },
});
