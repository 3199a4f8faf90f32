/**
 * The audit ledger, read: who changed what (the newest entries), and whether
 * the hash chain is intact. The ledger is queried newest first and not by
 * date, so "today" and "recently" read as "the newest entries", and `why`
 * says so; a date further back ("last week") is refused rather than
 * answered with something else.
 */
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

const RECENT = "(today|recently|lately|so far|just now|in the last hour|this morning|this afternoon|since boot|since the last boot)";

export const auditQuery = defineIntent<{ limit: number }>({
  name: "audit-query",
  summary: "show who changed what (the audit ledger)",
  examples: ["who changed what?", "what changed today?", "show the audit log", "show the last 20 changes"],
  forms: [
    "who (changed|modified|did|touched|ran|installed|removed|deleted|edited|configured) (what|something|stuff|things|anything|this|that)",
    "who (has|have) (changed|modified|touched|done) (what|something|anything|things)",
    "@what (changed|was changed|has changed|has been changed|have you changed|did you change|did aios change|did aios do|has aios done|happened|was done|have you done|did you do|has been done|changes were made|were the changes|actions were taken)",
    "@what [are|were] [the] (recent|latest|last) (changes|actions|calls|events)",
    "@show [the] [recent|latest|last] [{limit:count}] (changes|audit log|audit logs|audit trail|audit ledger|audit entries|audit records|activity|actions|calls|tool calls|audit)",
    "@show [the] (audit|change|activity) (log|history|trail|ledger)",
    "(audit log|audit trail|change log|changelog|activity log)",
  ],
  qualifiers: [RECENT, "(on|to) [the] (system|machine|server|box)", "(yesterday|last week|last month|this week|this month|last night) <older=true>"],
  build(c) {
    if (c.has("older")) return refuse("the ledger is read newest first, not by date; ask for the latest changes (e.g. \"show the last 200 changes\")");
    const limit = c.get<number>("limit") ?? 50;
    if (limit > 1000) return refuse("at most 1000 entries are read at once");
    return { limit };
  },
  describe: (a) => `the newest ${a.limit} entries (the ledger is read by order, not by date)`,
  async plan(a) {
    return [task("audit", `Show the newest ${a.limit} audit entries`, "security", [call("sec.audit_query", { limit: a.limit }, "every call: who (agent), what (tool, arguments), when and how it ended")])];
  },
});

export const auditVerify = defineIntent<Record<string, never>>({
  name: "audit-verify",
  summary: "check that the audit ledger is intact",
  examples: ["verify the audit log", "has the audit ledger been tampered with?"],
  forms: [
    "(verify|check|validate|audit|test) [the] [integrity of] [the] (audit log|audit trail|audit ledger|ledger|audit chain|hash chain|audit) [integrity|chain]",
    "(is|has) [the] (audit log|audit trail|audit ledger|ledger) (intact|been tampered with|tampered|valid|ok|consistent|been modified|been changed|been edited|untouched)",
    "(has|did) (anyone|anybody|someone|somebody) (tamper|tampered) with [the] (audit log|audit trail|audit ledger|ledger)",
  ],
  build: () => ({}),
  describe: () => "hash chain",
  async plan() {
    return [task("audit-verify", "Verify the audit ledger's hash chain", "security", [call("sec.audit_verify", {})])];
  },
});
