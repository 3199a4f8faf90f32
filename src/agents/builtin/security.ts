import { secAuditVerify } from "../../tools";
import { defineAgent } from "../define";

export const security = defineAgent({
  name: "security",
  description: "The audit ledger, file permissions and agents' capabilities.",
  capabilities: ["sec", "fs.read", "fs.stat", "fs.list", "user.list", "user.sessions", "net.listening"],
  handlers: {
    /** Walks the ledger's hash chain; reports the first broken row if any. */
    verify: (_msg, ctx) => ctx.result(secAuditVerify, {}),
  },
});
