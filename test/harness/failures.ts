/**
 * failures.ts [JUNIT_XML] [--stalls FILE] — what failed, in a few lines, for
 * the end of a log; with --stalls, also the boots that stalled and were
 * started again (test/harness/vm.ts), which a passing run reports too.
 *
 * CI shows only the last lines of `make test`'s output, where bun's summary
 * names a failed test but not why it failed (the message is printed far
 * above). The Makefile runs this after a failed test run: each failed
 * test's place and the first line of its message (a VM wait's first line
 * carries the digest of the console, the API and the kernel: vm.ts).
 */
import { existsSync, readFileSync } from "node:fs";

/** At most this many characters of one message: the whole summary must fit the tail CI shows. */
const MESSAGE_CHARS = 700;
const SHOWN = 2;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (whole, e: string) =>
    e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : (ENTITIES[e] ?? whole),
  );
}

export interface Failure {
  test: string;
  where: string;
  message: string;
}

/** The failed test cases of a JUnit report as bun writes it (`--reporter=junit`). */
export function failuresOf(xml: string): Failure[] {
  const out: Failure[] = [];
  for (const m of xml.matchAll(/<testcase\s([^>]*?)>\s*<failure\s[^>]*?message="([^"]*)"/g)) {
    const attr = (name: string) => unescapeXml(m[1]!.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? "");
    out.push({ test: attr("name"), where: `${attr("file")}:${attr("line")}`, message: unescapeXml(m[2]!) });
  }
  return out;
}

/** The lines to print: each failure's place and its message's first line, cut to fit. */
export function summary(failures: Failure[]): string {
  if (failures.length === 0) return "no failed test in the report (the runner itself failed: see above)";
  const lines = [`${failures.length} failed; why (whole messages above):`];
  for (const f of failures.slice(0, SHOWN)) {
    const first = f.message.split("\n").find((l) => l.trim() !== "") ?? "(no message)";
    lines.push(`- ${f.where} ${f.test}`, `  ${first.length > MESSAGE_CHARS ? `${first.slice(0, MESSAGE_CHARS)}…` : first}`);
  }
  for (const f of failures.slice(SHOWN)) lines.push(`- ${f.where} ${f.test}`);
  return lines.join("\n");
}

/** The boots the harness found stalled and started again (vm.ts STALLS), cut to fit; empty when none. */
export function stallsSummary(lines: string[]): string {
  if (lines.length === 0) return "";
  const shown = lines.slice(-SHOWN).map((l) => `  ${l.length > MESSAGE_CHARS ? `${l.slice(0, MESSAGE_CHARS)}…` : l}`);
  return [`${lines.length} VM boot(s) stalled before the guest wrote anything and were booted again (test/harness/vm.ts STALL_MS):`, ...shown].join("\n");
}

if (import.meta.main) {
  // failures.ts [JUNIT_XML] [--stalls FILE]
  const args = process.argv.slice(2);
  const at = args.indexOf("--stalls");
  const stalls = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const report = args[0];
  const out: string[] = [];
  if (stalls && existsSync(stalls)) out.push(stallsSummary(readFileSync(stalls, "utf8").split("\n").filter((l) => l !== "")));
  if (report) out.push(existsSync(report) ? summary(failuresOf(readFileSync(report, "utf8"))) : `no report at ${report} (the runner did not write one: see above)`);
  const text = out.filter((t) => t !== "").join("\n");
  if (text) console.log(text);
}
