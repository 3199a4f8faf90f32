/** What the sec.* tools need from the executor's host: the ledger, capabilities, their change log, the registry. */
import type { AuditLedger, GrantStore } from "../../memory";
import type { Capabilities } from "../capabilities";
import type { ToolRegistry } from "../registry";

declare module "../define" {
  interface ToolHost {
    ledger: AuditLedger;
    capabilities: Capabilities;
    /** Run-time capability changes, replayed at boot. */
    grants: GrantStore;
    registry: ToolRegistry;
  }
}
