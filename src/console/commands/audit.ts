/** `audit [n]`: the newest ledger rows; `audit verify`: walk the hash chain. */
import { defineCommand } from "../command";
import { fitTable, toolsOf } from "./tools";

const time = (ts: number) => new Date(ts).toISOString().slice(11, 19);

export const audit = defineCommand({
  name: "audit",
  summary: "newest audit ledger rows (default 20); audit verify checks the hash chain",
  usage: "audit [n | verify]",
  run: ([arg], io) => {
    const t = toolsOf(io);
    if (arg === "verify") {
      const r = t.ledger.verify();
      io.print(r.ok ? `ledger ok: ${r.rows} rows, chain intact` : `ledger BROKEN at row ${r.firstBadRow}: ${r.reason} (${r.rows} rows read)`);
      return;
    }
    const n = arg === undefined ? 20 : /^\d{1,5}$/.test(arg) ? Number(arg) : Number.NaN;
    if (!(n >= 1)) {
      io.print("usage: audit [n | verify]");
      return;
    }
    const rows = t.ledger.query({ limit: n }).reverse();
    if (!rows.length) {
      io.print("the audit ledger is empty");
      return;
    }
    const cells = rows.map((r) => [String(r.seq), time(r.ts), r.kind, r.callId ?? "", r.tool ?? "", r.agent ?? "", JSON.stringify(r.data)]);
    io.print(fitTable([["SEQ", "TIME", "KIND", "CALL", "TOOL", "AGENT", "DATA"], ...cells]));
  },
});
