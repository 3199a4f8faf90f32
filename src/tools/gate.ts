/**
 * The autonomy gate: which calls wait for a person. `full` runs everything;
 * `supervised` holds calls of risk medium and above; `manual` holds every
 * call that is not read-only. A remembered rule (tool + argument pattern)
 * lets matching calls through without asking again.
 */
import { AUTONOMY_LEVELS, type AutonomyLevel } from "../config";
import type { Risk, Tool, ToolEnv } from "./define";
import { ToolInputError } from "./errors";

export { AUTONOMY_LEVELS, type AutonomyLevel };

const RISK_RANK: Record<Risk, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The stricter of two levels: a goal may ask for more supervision than the system's, never less. */
export function stricterLevel(system: AutonomyLevel, requested: AutonomyLevel | undefined): AutonomyLevel {
  if (!requested) return system;
  const rank = (l: AutonomyLevel) => AUTONOMY_LEVELS.indexOf(l); // listed from the least supervision to the most
  return rank(requested) > rank(system) ? requested : system;
}

/** True when the call's risk was raised above the tool's: remembered rules never approve such calls. */
export function raised(tool: Tool, risk: Risk): boolean {
  return RISK_RANK[risk] > RISK_RANK[tool.risk];
}

/**
 * Whether the level holds this call for approval (before any rule is
 * consulted). `manual` holds every change, and reads whose risk is high
 * (reading /etc/shadow).
 */
export function levelHolds(level: AutonomyLevel, tool: Tool, risk: Risk = tool.risk): boolean {
  if (level === "full") return false;
  if (level === "supervised") return RISK_RANK[risk] >= RISK_RANK.medium;
  return !tool.readOnly || RISK_RANK[risk] >= RISK_RANK.high;
}

/**
 * A rule's argument pattern: for each named argument, a string is a glob
 * (Bun.Glob: `*` within one path segment, `**` across, `?`, `[..]`, `{a,b}`,
 * `\` escapes) matched against a string argument; any other value must equal
 * the argument exactly. Arguments the pattern does not name may be anything,
 * so `{}` approves every call of the tool.
 */
export type ArgPattern = Record<string, unknown>;

export interface ApprovalRule {
  id: string;
  tool: string;
  pattern: ArgPattern;
  createdBy: string;
  ts: number;
}

/** Glob metacharacters escaped, so a remembered literal matches only itself. */
export function globLiteral(s: string): string {
  return s.replace(/[\\*?[\]{}!]/g, "\\$&");
}

/** The pattern that remembers exactly these arguments. */
export function exactPattern(args: unknown): ArgPattern {
  if (!args || typeof args !== "object" || Array.isArray(args)) return {};
  const out: ArgPattern = {};
  for (const [k, val] of Object.entries(args)) out[k] = typeof val === "string" ? globLiteral(val) : val;
  return out;
}

/** The argument names of a tool whose input is an object schema (possibly inside a pipe). */
function argumentNames(tool: Tool): string[] | undefined {
  let schema = tool.input as unknown as { entries?: Record<string, unknown>; pipe?: unknown[] };
  if (!schema.entries && Array.isArray(schema.pipe)) schema = schema.pipe[0] as typeof schema;
  return schema.entries ? Object.keys(schema.entries) : undefined;
}

/**
 * A rule's pattern may name only the tool's arguments: a key that is not one
 * (a typo, or `__proto__`, which JSON tools drop on the way and left `{}`,
 * approving every call) is refused by name. ToolInputError: a 400.
 */
export function checkPattern(tool: Tool, pattern: ArgPattern): void {
  if (Object.getPrototypeOf(pattern) !== Object.prototype && Object.getPrototypeOf(pattern) !== null) {
    throw new ToolInputError(tool.name, "pattern", "must be a plain object of argument patterns");
  }
  const names = argumentNames(tool);
  for (const key of Object.keys(pattern)) {
    if (names ? !names.includes(key) : ["__proto__", "constructor", "prototype"].includes(key)) {
      throw new ToolInputError(tool.name, `pattern.${key}`, `not an argument of ${tool.name}${names ? ` (it has ${names.join(", ")})` : ""}`);
    }
  }
}

type Matcher = (value: unknown) => boolean;

function matcherFor(expected: unknown): Matcher {
  if (typeof expected === "string") {
    const glob = new Bun.Glob(expected);
    return (value) => typeof value === "string" && glob.match(value);
  }
  return (value) => Bun.deepEquals(value, expected, true);
}

interface CompiledRule {
  rule: ApprovalRule;
  fields: Array<[string, Matcher]>;
}

/** The remembered rules, compiled once, grouped by tool. */
export class RuleSet {
  private readonly byTool = new Map<string, CompiledRule[]>();

  constructor(rules: readonly ApprovalRule[] = []) {
    for (const r of rules) this.add(r);
  }

  add(rule: ApprovalRule): void {
    const compiled = { rule, fields: Object.entries(rule.pattern).map(([k, e]) => [k, matcherFor(e)] as [string, Matcher]) };
    const list = this.byTool.get(rule.tool);
    if (list) list.push(compiled);
    else this.byTool.set(rule.tool, [compiled]);
  }

  remove(id: string): boolean {
    for (const [tool, list] of this.byTool) {
      const i = list.findIndex((c) => c.rule.id === id);
      if (i >= 0) {
        list.splice(i, 1);
        if (!list.length) this.byTool.delete(tool);
        return true;
      }
    }
    return false;
  }

  /** The first rule that approves this call, if any. */
  match(tool: string, args: unknown): ApprovalRule | undefined {
    const list = this.byTool.get(tool);
    if (!list) return undefined;
    const obj = (args && typeof args === "object" ? args : {}) as Record<string, unknown>;
    for (const c of list) if (c.fields.every(([k, m]) => m(Object.hasOwn(obj, k) ? obj[k] : undefined))) return c.rule;
    return undefined;
  }

  list(): ApprovalRule[] {
    return [...this.byTool.values()].flat().map((c) => c.rule).sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
  }
}
