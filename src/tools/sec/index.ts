/** The sec.* tools: the audit ledger and agents' capabilities. */
import type { Tool } from "../define";
import { auditQuery, auditVerify } from "./audit";
import { checkPerms, grant, revoke } from "./perms";

export const secTools: readonly Tool[] = [auditQuery, auditVerify, checkPerms, grant, revoke];
export { auditVerify as secAuditVerify };
