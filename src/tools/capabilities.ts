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

export interface CapabilityChange {
  agent: string;
  capability: string;
  change: "grant" | "revoke";
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
    for (const c of changes) c.change === "grant" ? this.grant(c.agent, c.capability) : this.revoke(c.agent, c.capability);
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

  /** The capabilities in force: declared plus granted, minus revoked. */
  list(agent: string): string[] {
    const revoked = this.revoked.get(agent) ?? new Set<string>();
    const all = new Set([...(this.declared.get(agent) ?? []), ...(this.granted.get(agent) ?? [])]);
    return [...all].filter((c) => !revoked.has(c)).sort();
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
