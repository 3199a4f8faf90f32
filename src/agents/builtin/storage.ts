import { monitorDisk } from "../../tools";
import { defineAgent } from "../define";

export const storage = defineAgent({
  name: "storage",
  description: "Files and directories, disk usage and space, freeing it.",
  capabilities: ["fs", "monitor.disk", "sys.cleanup", "log"],
  handlers: {
    /** Usage of every mounted filesystem. */
    usage: (_msg, ctx) => ctx.result(monitorDisk, {}),
  },
});
