/**
 * Which agent may call which tool. A capability is a tool name (`fs.read`), a
 * namespace (`fs` or `fs.*`), or `*` for everything. Agents declare theirs
 * (defineAgent); `sec.grant` / `sec.revoke` change them at run time.
 */

export function capabilityCovers(capability: string, tool: string): boolean {
  if (capability === "*" || capability === tool) return true;
  const ns = capability.endsWith(".*") ? capability.slice(0, -2) : capability;
  return !ns.includes(".") && tool.startsWith(`${ns}.`);
}

/** True when taking `revoked` away also takes `capability` away: `*` covers all, `fs` (or `fs.*`) covers `fs` and `fs.read`. */
export function capabilityCoversCapability(revoked: string, capability: string): boolean {
  if (revoked === "*" || revoked === capability) return true;
  const ns = revoked.endsWith(".*") ? revoked.slice(0, -2) : revoked;
  if (ns.includes(".")) return false;
  return capability === ns || capability === `${ns}.*` || capability.startsWith(`${ns}.`);
}

export interface CapabilityChange {
  agent: string;
  capability: string;
  /** `reset` drops a run-time grant or revoke, leaving the declared set in force (how an undo restores). */
  change: "grant" | "revoke" | "reset";
}

/** Where one capability of an agent stands apart from its declaration; what undoing a grant or revoke restores. */
export interface CapabilityEntry {
  granted: boolean;
  revoked: boolean;
}

export class Capabilities {
  private readonly declared = new Map<string, Set<string>>();
  private readonly granted = new Map<string, Set<string>>();
  private readonly revoked = new Map<string, Set<string>>();

  /** The capabilities an agent is defined with. */
  declare(agent: string, capabilities: readonly string[]): void {
    this.declared.set(agent, new Set(capabilities));
  }

  /** Replays stored run-time changes, oldest first (e.g. after a reboot). */
  restore(changes: readonly CapabilityChange[]): void {
    for (const c of changes) this.apply(c);
  }

  apply(c: CapabilityChange): void {
    if (c.change === "grant") this.grant(c.agent, c.capability);
    else if (c.change === "revoke") this.revoke(c.agent, c.capability);
    else this.reset(c.agent, c.capability);
  }

  entry(agent: string, capability: string): CapabilityEntry {
    return { granted: this.granted.get(agent)?.has(capability) ?? false, revoked: this.revoked.get(agent)?.has(capability) ?? false };
  }

  /** The change that brings a capability back to `entry` (grant and revoke each leave exactly one of the two set). */
  static changeFor(agent: string, capability: string, entry: CapabilityEntry): CapabilityChange {
    const change = entry.granted ? "grant" : entry.revoked ? "revoke" : "reset";
    return { agent, capability, change };
  }

  /** Forgets a run-time grant or revoke of exactly this capability. */
  reset(agent: string, capability: string): void {
    this.granted.get(agent)?.delete(capability);
    this.revoked.get(agent)?.delete(capability);
  }

  grant(agent: string, capability: string): void {
    this.revoked.get(agent)?.delete(capability);
    setOf(this.granted, agent).add(capability);
  }

  /** Takes away a capability, whether declared or granted. */
  revoke(agent: string, capability: string): void {
    this.granted.get(agent)?.delete(capability);
    setOf(this.revoked, agent).add(capability);
  }

  knows(agent: string): boolean {
    return this.declared.has(agent) || this.granted.has(agent);
  }

  /**
   * The capabilities in force: declared plus granted, less every one a revoke
   * covers (issue 11: after revoking `*` the agent still listed all of its
   * own). A revoke narrower than a listed namespace (`fs.write` out of `fs`)
   * is shown by `revokedList`.
   */
  list(agent: string): string[] {
    const revoked = [...(this.revoked.get(agent) ?? [])];
    const all = new Set([...(this.declared.get(agent) ?? []), ...(this.granted.get(agent) ?? [])]);
    return [...all].filter((c) => !revoked.some((r) => capabilityCoversCapability(r, c))).sort();
  }

  /** The run-time revokes in force for an agent (they persist across reboots, like grants, until granted back or undone). */
  revokedList(agent: string): string[] {
    return [...(this.revoked.get(agent) ?? [])].sort();
  }

  allows(agent: string, tool: string): boolean {
    const revoked = this.revoked.get(agent);
    if (revoked) for (const c of revoked) if (capabilityCovers(c, tool)) return false;
    for (const source of [this.declared.get(agent), this.granted.get(agent)]) {
      if (source) for (const c of source) if (capabilityCovers(c, tool)) return true;
    }
    return false;
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}
