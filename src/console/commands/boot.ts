import { defineCommand } from "../command";
import { table } from "../../sys/text";

export const boot = defineCommand({
  name: "boot",
  summary: "boot phases and steps with their status, time and shell equivalent",
  usage: "boot [-v]",
  run: (args, io) => {
    const verbose = args.includes("-v");
    const rows: string[][] = [["PHASE", "STATUS", "MS", verbose ? "COMMAND" : "DETAIL"]];
    for (const p of io.deps.phases()) {
      rows.push([p.name, p.status, String(p.ms), p.reason ?? ""]);
      for (const s of p.steps) {
        rows.push([`  ${s.name}`, s.status, String(s.ms), verbose ? s.command : (s.error ?? s.detail ?? "")]);
      }
    }
    io.print(table(rows));
  },
});
