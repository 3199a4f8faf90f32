/**
 * Which calls wait for a person: the autonomy level (config
 * `system.autonomy_level`, changed at run time) and the approval rules people
 * remembered. This module owns both; every change is audited and on disk
 * before it is confirmed. The executor asks `admit` for each call; approving
 * with "remember" stores its rule inside the approval's own transaction
 * (`remember`), and the rule takes effect once that commits (`adopt`).
 */
import { type AuditLedger, RuleStore } from "../memory";
import { log } from "../sys";
import type { Risk, Tool } from "./define";
import { type ApprovalRule, type ArgPattern, type AutonomyLevel, checkPattern, levelHolds, raised, RuleSet, stricterLevel } from "./gate";
import type { ToolRegistry } from "./registry";
import { idNumber, ruleId, toRule } from "./views";

/** What the policy needs from the executor that owns it: the tools, the ledger, and its one write lane. */
export interface PolicyDeps {
  readonly registry: ToolRegistry;
  readonly ledger: AuditLedger;
  /** Runs a write; re-reads the ledger's head if it fails. */
  write<T>(fn: () => T): T;
}

/** The gate's answer for one call: run it (by the level, or by a remembered rule), or hold it for a person. */
export type Admission = { hold: false; rule?: ApprovalRule } | { hold: true };

export class Policy {
  private readonly store: RuleStore;
  private readonly rules: RuleSet;
  private levelNow: AutonomyLevel;

  constructor(
    private readonly x: PolicyDeps,
    level: AutonomyLevel = "supervised",
  ) {
    this.store = new RuleStore(x.ledger.database);
    this.rules = new RuleSet(this.store.all().map(toRule));
    this.levelNow = level;
  }

  /** `requested`: a caller may ask for a stricter level than the system's, never a looser one. */
  admit(tool: Tool, args: unknown, risk: Risk, requested?: AutonomyLevel): Admission {
    if (!levelHolds(stricterLevel(this.levelNow, requested), tool, risk)) return { hold: false };
    // A remembered rule approves calls as risky as the tool, never one its arguments made riskier.
    const rule = raised(tool, risk) ? undefined : this.rules.match(tool.name, args);
    return rule ? { hold: false, rule } : { hold: true };
  }

  // ---- autonomy level -----------------------------------------------------

  get level(): AutonomyLevel {
    return this.levelNow;
  }

  setLevel(level: AutonomyLevel, by: string): void {
    if (level === this.levelNow) return;
    this.x.write(() => this.x.ledger.append({ kind: "autonomy", data: { from: this.levelNow, to: level, by } }));
    this.x.ledger.syncNow();
    log.info(`tools: autonomy ${this.levelNow} → ${level} (by ${by})`);
    this.levelNow = level;
  }

  // ---- remembered rules ---------------------------------------------------

  list(): ApprovalRule[] {
    return this.rules.list();
  }

  addRule(tool: string, pattern: ArgPattern, by: string): ApprovalRule {
    checkPattern(this.x.registry.require(tool), pattern);
    const now = Date.now();
    let rule!: ApprovalRule;
    this.x.write(() =>
      this.store.transaction(() => {
        rule = this.remember(tool, pattern, by, now);
        this.x.ledger.append({ kind: "rule", tool, data: { rule: rule.id, change: "add", pattern, by } });
      }),
    );
    this.x.ledger.syncNow();
    this.adopt(rule);
    return rule;
  }

  removeRule(id: string, by: string): boolean {
    const n = idNumber("r", id);
    if (n === undefined) return false;
    let removed = false;
    this.x.write(() =>
      this.store.transaction(() => {
        removed = this.store.remove(n);
        if (removed) this.x.ledger.append({ kind: "rule", data: { rule: id, change: "remove", by } });
      }),
    );
    if (removed) this.x.ledger.syncNow();
    if (removed) this.rules.remove(ruleId(n));
    return removed;
  }

  /** Stores a rule inside the caller's transaction (checked by the caller); it applies from `adopt`, after the commit. */
  remember(tool: string, pattern: ArgPattern, by: string, at: number, fromApproval?: number): ApprovalRule {
    const seq = this.store.add({ ts: at, tool, pattern: JSON.stringify(pattern), createdBy: by, fromApproval });
    return { id: ruleId(seq), tool, pattern, createdBy: by, ts: at };
  }

  adopt(rule: ApprovalRule): void {
    this.rules.add(rule);
  }
}
