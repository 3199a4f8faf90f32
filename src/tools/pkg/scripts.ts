/**
 * Maintainer scripts are never run. What they typically do that a package
 * cannot work without is read from their text instead, conservatively:
 *
 * - system accounts: `adduser --system [--group] NAME`, `addgroup NAME`,
 *   `useradd -r NAME`, `groupadd NAME`, and the literal owners of `chown`/`chgrp`
 *   (`chown www-data:adm ...` means both must exist);
 * - state directories named after the package or its source under /var/log,
 *   /var/lib, /var/cache and /run that the scripts mention (created when the
 *   package does not ship them);
 * - literal `chown OWNER[:GROUP] PATH` of such a path or of one the package
 *   ships, applied after unpacking.
 *
 * Anything with a shell variable in it is ignored: guessing is worse than
 * leaving it out, and the result says which scripts were skipped.
 */

export interface AccountNeed {
  kind: "user" | "group";
  name: string;
  /** Users: the primary group's name (created too when `--group`), else nogroup. */
  group?: string;
  home?: string;
  shell?: string;
  /** Where the need was read: "postinst: adduser --system nginx". */
  why: string;
}

export interface OwnerChange {
  path: string;
  user?: string;
  group?: string;
}

export interface ScriptNeeds {
  accounts: AccountNeed[];
  /** Guest paths of state directories the scripts use. */
  stateDirs: string[];
  chowns: OwnerChange[];
}

const NAME = /^[a-z_][a-z0-9_.-]*\$?$/;
const STATE_ROOTS = ["/var/log", "/var/lib", "/var/cache", "/run"];

/** Script text as logical lines: continuations joined, comments dropped, `;`, `&&`, `||` and `|` split. */
function commands(text: string): string[][] {
  const joined = text.replace(/\\\n/g, " ");
  const out: string[][] = [];
  for (const line of joined.split("\n")) {
    const code = line.replace(/(^|\s)#.*$/, "");
    for (const part of code.split(/;|&&|\|\||\|/)) {
      const words = part.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^["']|["']$/g, ""));
      // Skip leading shell keywords and redirections that precede a command.
      while (words.length && /^(then|else|do|if|!|command|exec)$/.test(words[0]!)) words.shift();
      if (words.length) out.push(words.filter((w) => !/^\d?[<>]/.test(w)));
    }
  }
  return out;
}

const literal = (w: string | undefined): w is string => w !== undefined && !/[$`*?]/.test(w);

function parseAdduser(words: string[], script: string, out: AccountNeed[]): void {
  const cmd = words[0]!;
  const opts = new Map<string, string | true>();
  const pos: string[] = [];
  const withValue = new Set(["--home", "--shell", "--ingroup", "--gecos", "--uid", "--gid", "--firstuid", "--lastuid", "--comment", "-d", "-s", "-g", "-c", "-u", "-G", "--add_extra_groups"]);
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith("-")) {
      const eq = w.indexOf("=");
      if (eq > 0) opts.set(w.slice(0, eq), w.slice(eq + 1));
      else if (withValue.has(w)) opts.set(w, words[++i] ?? "");
      else opts.set(w, true);
    } else pos.push(w);
  }
  const why = `${script}: ${words.join(" ")}`;
  const name = pos[0];
  if (!literal(name) || !NAME.test(name)) return;
  if (cmd === "addgroup" || cmd === "groupadd") {
    out.push({ kind: "group", name, why });
    return;
  }
  if (pos.length >= 2 && cmd === "adduser") {
    // `adduser USER GROUP` adds a membership; both must exist, nothing is created for the membership itself.
    const group = pos[1];
    if (literal(group) && NAME.test(group)) out.push({ kind: "group", name: group, why });
    out.push({ kind: "user", name, why });
    return;
  }
  const str = (k: string) => (typeof opts.get(k) === "string" && literal(opts.get(k) as string) ? (opts.get(k) as string) : undefined);
  let group = str("--ingroup") ?? str("-g");
  if (opts.has("--group") || (cmd === "useradd" && opts.has("-U"))) {
    group = name;
    out.push({ kind: "group", name, why });
  } else if (group) out.push({ kind: "group", name: group, why });
  out.push({ kind: "user", name, group, home: str("--home") ?? str("-d"), shell: str("--shell") ?? str("-s"), why });
}

function parseChown(words: string[], script: string, accounts: AccountNeed[], chowns: OwnerChange[]): void {
  const cmd = words[0]!;
  const args = words.slice(1).filter((w) => !w.startsWith("-"));
  const spec = args[0];
  if (!literal(spec)) return;
  const why = `${script}: ${words.join(" ")}`;
  let user: string | undefined;
  let group: string | undefined;
  if (cmd === "chgrp") group = spec;
  else {
    const [u, g] = spec.split(/[:.]/, 2);
    user = u || undefined;
    group = g || undefined;
  }
  if (user !== undefined && (!NAME.test(user) || /^\d+$/.test(user))) user = undefined;
  if (group !== undefined && (!NAME.test(group) || /^\d+$/.test(group))) group = undefined;
  if (user && user !== "root") accounts.push({ kind: "user", name: user, why });
  if (group && group !== "root") accounts.push({ kind: "group", name: group, why });
  for (const p of args.slice(1)) if (literal(p) && p.startsWith("/")) chowns.push({ path: p.replace(/\/+$/, ""), user, group });
}

/** Reads what a package's skipped scripts would have needed. `names` are the package's own and its source's. */
export function scanScripts(scripts: ReadonlyMap<string, string>, names: readonly string[]): ScriptNeeds {
  const accounts: AccountNeed[] = [];
  const chowns: OwnerChange[] = [];
  const dirs = new Set<string>();
  const own = new Set(names);
  for (const [script, text] of scripts) {
    if (script === "postrm" || script === "prerm") continue; // removal-time only
    for (const words of commands(text)) {
      const cmd = words[0]!.replace(/^.*\//, "");
      if (["adduser", "addgroup", "useradd", "groupadd"].includes(cmd)) parseAdduser([cmd, ...words.slice(1)], script, accounts);
      else if (cmd === "chown" || cmd === "chgrp") parseChown([cmd, ...words.slice(1)], script, accounts, chowns);
    }
    for (const m of text.matchAll(/(\/var\/log|\/var\/lib|\/var\/cache|\/run)\/([A-Za-z0-9._+-]+)/g)) {
      if (own.has(m[2]!) && STATE_ROOTS.includes(m[1]!)) dirs.add(`${m[1]}/${m[2]}`);
    }
  }
  // One need per account: the most specific (a user with its group and home wins over a bare chown mention).
  const byKey = new Map<string, AccountNeed>();
  for (const a of accounts) {
    const key = `${a.kind}:${a.name}`;
    const prev = byKey.get(key);
    if (!prev || (!prev.group && !prev.home && (a.group || a.home))) byKey.set(key, a);
  }
  return { accounts: [...byKey.values()], stateDirs: [...dirs].sort(), chowns };
}

/** The names state directories may carry for a package: its own, its source's, and its own without -common/-core/-bin. */
export function stateNames(name: string, source: string): string[] {
  return [...new Set([name, source, name.replace(/-(common|core|bin|daemon|server|data)$/, "")])];
}
