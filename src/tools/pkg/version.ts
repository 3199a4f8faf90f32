/**
 * Debian version numbers (deb-version(7)): `[epoch:]upstream[-revision]`,
 * compared the way dpkg does it (lib/dpkg/version.c): epochs numerically,
 * then upstream and revision by alternating non-digit runs (letters sort
 * before everything else, `~` before even the end of the string) and digit
 * runs compared as numbers.
 */

export interface DebVersion {
  epoch: number;
  upstream: string;
  /** "" when the version has no hyphen (dpkg compares it equal to "0"). */
  revision: string;
}

/** The operators of a versioned relation; `<` and `>` are dpkg's obsolete spellings of `<=` and `>=`. */
export const RELATION_OPS = ["<<", "<=", "=", ">=", ">>"] as const;
export type RelationOp = (typeof RELATION_OPS)[number];

export function parseVersion(text: string): DebVersion {
  const s = text.trim();
  const colon = s.indexOf(":");
  let epoch = 0;
  let rest = s;
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^\d+$/.test(e)) throw new Error(`version ${text}: epoch must be a number`);
    epoch = Number(e);
    rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf("-");
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : "";
  if (upstream === "") throw new Error(`version ${text}: empty upstream version`);
  return { epoch, upstream, revision };
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === "~") return -1;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return 0;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return code;
  return code + 256;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** dpkg's verrevcmp: one upstream or revision string against another. */
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b`. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch - vb.epoch;
  return compareFragment(va.upstream, vb.upstream) || compareFragment(va.revision, vb.revision);
}

/** Whether `version` satisfies `op ref`, e.g. satisfies("2.36-9", ">=", "2.34"). */
export function satisfies(version: string, op: RelationOp, ref: string): boolean {
  const c = compareVersions(version, ref);
  switch (op) {
    case "<<": return c < 0;
    case "<=": return c <= 0;
    case "=": return c === 0;
    case ">=": return c >= 0;
    case ">>": return c > 0;
  }
}

/** Normalises an operator as written in a control file (`<` and `>` are obsolete forms of `<=` and `>=`). */
export function parseOp(text: string): RelationOp | null {
  switch (text) {
    case "<<": case "<=": case "=": case ">=": case ">>": return text;
    case "<": return "<=";
    case ">": return ">=";
    default: return null;
  }
}

/** A version as deb-version(7) allows it: digits for an epoch, an upstream part starting with a digit, [A-Za-z0-9.+~-] after. */
export function isValidVersion(text: string): boolean {
  return /^(\d+:)?[0-9][A-Za-z0-9.+~:-]*$/.test(text) && !text.endsWith("-");
}
