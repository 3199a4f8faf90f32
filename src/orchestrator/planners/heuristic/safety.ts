/**
 * Lines the heuristic planner never crosses, whatever an intent planned:
 * checked on the whole plan, so a new intent cannot forget them.
 *
 * - Secrets and aiOS's own state: /etc/shadow, /etc/gshadow, /etc/sudoers*,
 *   /boot, /etc/aios, /var/lib/aios/{secrets,ledger,memory,models}, and
 *   /proc, /sys, /dev are never changed from a sentence, nor made the
 *   target of a link; the secrets are not even read.
 * - The system's directories themselves (/, /etc, /usr, /var, /home...)
 *   are never deleted, moved or made world-writable.
 * - Nothing is made writable by every user.
 * - PID 1 (aios-init) is never signalled; root is never deleted or locked.
 * - The management API's own port is never closed by the firewall.
 */
import type { Plan } from "../../plan";
import type { PlanningFacts } from "../../types";

const SENSITIVE = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d", "/boot", "/etc/aios", "/var/lib/aios/secrets", "/var/lib/aios/ledger", "/var/lib/aios/memory", "/var/lib/aios/models", "/proc", "/sys", "/dev"];
const SECRET = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d", "/var/lib/aios/secrets"];
const SYSTEM_DIRS = new Set(["/", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/var", "/boot", "/proc", "/sys", "/dev", "/run", "/home", "/root", "/var/lib", "/var/log", "/var/cache", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/local", "/usr/share", "/opt", "/srv", "/tmp", "/mnt", "/media", "/var/lib/aios", "/var/log/aios"]);

const under = (path: string, dirs: readonly string[]) => dirs.some((d) => path === d || path.startsWith(`${d}/`) || (d.endsWith("sudoers") && path.startsWith(d)));

function normal(p: string): string {
  return p.length > 1 ? p.replace(/\/+/g, "/").replace(/\/$/, "") : p;
}

/** Whether an octal or symbolic mode gives write permission to others. */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return (Number.parseInt(mode.slice(-1), 8) & 2) !== 0;
  // Clauses one after the other ("go-rwx,o+w"): any one that gives others write.
  if (mode.includes(",")) return mode.split(",").some(worldWritable);
  const m = /^([ugoa]*)([+=])([rwxstX]+)$/.exec(mode);
  return m !== null && (m[1] === "" || /[oa]/.test(m[1]!)) && m[3]!.includes("w");
}

/** Why the plan must not be made, or null. */
export function unsafe(plan: Plan, facts: PlanningFacts): string | null {
  for (const t of plan.tasks) {
    for (const c of t.calls) {
      const a = c.args as Record<string, unknown>;
      // A link's target too: a link to /etc/shadow would read it under another name.
      const paths = ["path", "from", "to", "target"].map((k) => a[k]).filter((p): p is string => typeof p === "string").map(normal);
      const [ns, verb] = c.tool.split(".") as [string, string];
      if (ns === "fs") {
        const reads = ["read", "list", "stat", "search", "du", "tail"].includes(verb);
        for (const p of paths) {
          if (reads && under(p, SECRET)) return `${p} holds secrets; aiOS does not read it for a goal`;
          if (!reads && under(p, SENSITIVE)) return `${p} is protected (system secrets, boot files or aiOS's own state); aiOS does not change it from a sentence`;
          if (!reads && (verb === "delete" || verb === "move") && SYSTEM_DIRS.has(p)) return `${p} is a system directory; deleting or moving it would break the system`;
          // chmod 700 /etc locks every service that runs as its own user out of its configuration.
          if (verb === "chmod" && SYSTEM_DIRS.has(p)) return `${p} is a system directory; changing its permissions would break the services that read it`;
        }
        if (verb === "chmod" && typeof a.mode === "string" && worldWritable(a.mode)) return `mode ${a.mode} makes ${paths[0] ?? "it"} writable by every user`;
      }
      if ((c.tool === "process.kill" || c.tool === "process.signal") && a.pid === 1) return "PID 1 is aios-init, the system itself; it is never signalled";
      if ((c.tool === "user.delete" || c.tool === "user.lock") && a.name === "root") return `root is never ${c.tool === "user.delete" ? "deleted" : "locked"}`;
      if (c.tool === "firewall.close" && a.port === facts.apiPort) return `port ${facts.apiPort} is the management API's; closing it would lock you out`;
    }
  }
  return null;
}
