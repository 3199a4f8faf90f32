/**
 * More intents on their own (intents.test.ts is full): installs said with
 * another verb, what the firewall lets through, the biggest things under a
 * path, a bare word searched for, an audit day or goal, being told when
 * something goes down, empty files, logs of a daemon. Reading only.
 */
import { describe, expect, test } from "bun:test";
import { readText } from "./grammar";
import { INTENTS } from "./intents";
import { FACTS } from "./testing";

function read(text: string): { intent: string; args: unknown } | { refused: string; reason: string } | null {
  const { result } = readText(text, INTENTS, FACTS);
  if (result.kind === "read") return { intent: result.reading.intent.name, args: result.reading.args };
  if (result.kind === "refused") return { refused: result.intent.name, reason: result.reason };
  return null;
}

const reads: Array<[string, string, unknown]> = [
  ["put htop on this box", "install-package-loosely", { names: ["htop"] }],
  ["grab wget and jq", "install-package-loosely", { names: ["wget", "jq"] }],
  ["what does the firewall let through", "firewall-rules", {}],
  ["which ports are allowed through the firewall", "firewall-rules", {}],
  ["the 5 biggest dirs under /var", "disk-usage-by-directory", { path: "/var", limit: 5 }],
  ["which files in /var/log take up the most space", "disk-usage-by-directory", { path: "/var/log" }],
  ["grep listen in /etc/nginx", "find-files", { path: "/etc/nginx", content: "listen" }],
  ["which files in /etc mention PermitRootLogin", "find-files", { path: "/etc", content: "PermitRootLogin" }],
  ["what did goal 4 change", "audit-query", { limit: 50, goal: 4 }],
  ["yesterday's changes", "audit-query", { limit: 50, sinceDays: 1, untilToday: true }],
  ["alert me if nginx goes down", "watch", { name: "nginx", service: "nginx" }],
  ["notify me if port 443 stops answering", "watch", { name: "port-443", port: { host: "127.0.0.1", port: 443 } }],
  ["is the box under io pressure", "pressure", {}],
  ["create an empty file at /srv/new.txt", "write-file", { path: "/srv/new.txt", content: "", append: false, fresh: true }],
  ["create an empty file at /srv/a, overwriting it", "write-file", { path: "/srv/a", content: "", append: false }],
  ["keep nginx logs for 7 days", "log-policy", { pattern: "/var/log/nginx/*.log", keep: 7, maxAgeDays: 1, retainDays: 7 }],
  ["every evening at 8 run `sync`", "schedule-job", { name: "sync", cron: "0 20 * * *", words: "every day at 20:00", argv: ["sync"] }],
];

describe("round 4 classes read as their intent", () => {
  for (const [text, intent, args] of reads) test(JSON.stringify(text), () => expect(read(text)).toEqual({ intent, args }));
});

const refusals: Array<[string, string, string]> = [
  ["set up nginx", "install-package-loosely", "more than installing"],
  ["get cron", "install-package-loosely", "not read as a package name"],
  ["show the 500 biggest files in /var", "disk-usage-by-directory", "at most 100"],
  ["keep the worker logs for 3 days", "log-policy", "no log files of worker"],
  ["run `sync` every 90 minutes", "schedule-job", "every 90 minutes"],
  ["every morning restart nginx", "schedule-job", "no time of day"],
];

describe("round 4 refusals name why", () => {
  for (const [text, intent, why] of refusals) {
    test(JSON.stringify(text), () => {
      const r = read(text);
      expect(r).toMatchObject({ refused: intent });
      expect((r as { reason: string }).reason).toContain(why);
    });
  }
});

describe("near misses are not read as a change", () => {
  // A state is a status question, not a watch; somewhere else is not this machine; email is not sent.
  for (const [text, not] of [["tell me if nginx is down", "watch"], ["put htop on the other server", "install-package-loosely"], ["email me if nginx goes down", "watch"], ["every morning at 9pm restart nginx", "schedule-job"]] as const) {
    test(JSON.stringify(text), () => {
      const r = read(text);
      expect(r && "intent" in r ? r.intent : null).not.toBe(not);
    });
  }
});
