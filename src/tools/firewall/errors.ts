/** Why a firewall operation was refused or failed; the message names the rule or the reason. */
import { ToolError } from "../errors";

/**
 * Codes: `unavailable` (dev mode, or no nft / nf_tables in this image),
 * `protected` (closing the management API's port without force), `nft_failed`
 * (nft refused the ruleset; nothing changed), `bad_rules` (rules.json on the
 * data disk is not ours to trust).
 */
export class FirewallError extends ToolError {
  constructor(code: "unavailable" | "protected" | "nft_failed" | "bad_rules", message: string, options?: { cause?: unknown }) {
    super(code, `firewall: ${message}`, options);
  }
}
