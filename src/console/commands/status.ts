import { defineCommand } from "../command";
import { duration, mib, table } from "../../sys/text";

export const status = defineCommand({
  name: "status",
  summary: "host, kernel, uptime, memory and readiness",
  run: (_args, io) => {
    const s = io.deps.system();
    io.print(table([
      ["hostname", s.hostname],
      ["time", `${s.localTime.replace(/ \(.*\)$/, "")} (${s.timezone})`],
      ["pid", String(s.pid)],
      ["kernel", s.kernel],
      ["uptime", duration(s.uptimeMs)],
      ["memory", `${mib(s.memory.availableBytes)} available of ${mib(s.memory.totalBytes)}`],
      ["ready", s.boot.readyMs === null ? "not yet" : `in ${s.boot.readyMs} ms`],
    ]));
  },
});
