/**
 * The rules on the data disk: <data>/firewall/rules.json, replaced durably
 * (src/sys/durable.ts) after nft took them, read at boot to restore them. A
 * file that does not parse is an error, never an empty rule set: silently
 * opening every port a person closed would be the worst way to fail.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { errorCode, errorMessage, mkdirDurable, writeFileDurable } from "../../sys";
import { FirewallError } from "./errors";
import { AddressError, canonicalNetwork } from "./ip";
import { ACTIONS, PROTOCOLS, type Rule } from "./model";

export const RULES_FILE = "firewall/rules.json";

/** Host path of rules.json under aiOS's data directory. */
export function rulesPath(dataDir: string): string {
  return join(dataDir, RULES_FILE);
}

const StoredRule = v.strictObject({
  action: v.picklist(ACTIONS),
  protocol: v.picklist(PROTOCOLS),
  port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  from: v.nullable(v.string()),
  addedAt: v.string(),
});
const StoredRules = v.strictObject({ version: v.literal(1), rules: v.array(StoredRule) });

/** The kept rules; [] when there is no file yet. Throws FirewallError `bad_rules` for a file that is not a rule set. */
export function readRules(path: string): Rule[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (errorCode(err) === "ENOENT") return [];
    throw new FirewallError("bad_rules", `${path}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    const { rules } = v.parse(StoredRules, JSON.parse(text));
    for (const r of rules) if (r.from !== null && canonicalNetwork(r.from) !== r.from) throw new AddressError(`${r.from} is not in canonical form`);
    return rules;
  } catch (err) {
    const why = err instanceof v.ValiError ? `${err.issues[0]?.path?.map((p: { key: unknown }) => p.key).join(".") ?? ""}: ${err.message}` : errorMessage(err);
    throw new FirewallError("bad_rules", `${path} is not a rule set (${why}); fix or remove it`, { cause: err });
  }
}

/** Replaces rules.json durably (the answer to the call comes after the fsync). */
export function writeRules(path: string, rules: readonly Rule[]): void {
  mkdirDurable(dirname(path));
  writeFileDurable(path, `${JSON.stringify({ version: 1, rules }, null, 2)}\n`, { mode: 0o644 });
}
