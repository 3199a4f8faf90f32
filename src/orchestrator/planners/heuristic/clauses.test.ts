import { describe, expect, test } from "bun:test";
import { resolvePronouns, splitClauses } from "./clauses";
import { mergeTasks } from "./merge";
import type { TaskPlan } from "../../plan";

describe("splitClauses", () => {
  const cases: Array<[string, string[]]> = [
    ["Install nginx and configure it as a reverse proxy for the management API", ["Install nginx", "configure it as a reverse proxy for the management API"]],
    ["install nginx and curl", ["install nginx and curl"]],
    ["please install htop, curl and git; start nginx", ["install htop, curl and git", "start nginx"]],
    ["show disk and memory usage", ["show disk and memory usage"]],
    ["check ports 80 and 443, then free disk space.", ["check ports 80 and 443", "free disk space"]],
    ["Can you install nginx. Then start it!", ["install nginx", "start it"]],
    ["write 'a and b, then c; d' to /etc/motd and restart nginx", ["write 'a and b, then c; d' to /etc/motd", "restart nginx"]],
    ["install nginx, start it and check port 80", ["install nginx", "start it", "check port 80"]],
    ["   ", []],
  ];
  for (const [goal, clauses] of cases) test(JSON.stringify(goal), () => expect(splitClauses(goal)).toEqual(clauses));
});

describe("resolvePronouns", () => {
  test("it and them stand for the previous clause's object; quoted text is left alone", () => {
    expect(resolvePronouns("configure it as a reverse proxy", "nginx")).toBe("configure nginx as a reverse proxy");
    expect(resolvePronouns("start them", "nginx and redis")).toBe("start nginx and redis");
    expect(resolvePronouns("write 'it works' to /etc/motd", undefined)).toBe("write 'it works' to /etc/motd");
    expect(resolvePronouns("start it", undefined)).toBeNull();
    expect(resolvePronouns("start nginx", undefined)).toBe("start nginx");
  });
});

const t = (id: string, calls: Array<[string, Record<string, unknown>]>, dependsOn: string[] = []): TaskPlan => ({ id, title: id, calls: calls.map(([tool, args]) => ({ tool, args })), dependsOn });

describe("mergeTasks", () => {
  test("a clause whose work a later clause repeats adds nothing twice, and the later clause keeps its own parallelism", () => {
    const install = [t("check-package", [["pkg.search", { query: "nginx", limit: 5 }]]), t("install", [["pkg.install", { names: ["nginx"] }]], ["check-package"])];
    const proxy = [
      t("check-package", [["pkg.search", { limit: 5, query: "nginx" }]]),
      t("install", [["pkg.install", { names: ["nginx"] }]], ["check-package"]),
      t("check-upstream", [["net.check_port", { host: "127.0.0.1", port: 8080 }]]),
      t("write-config", [["fs.write", { path: "/a" }]], ["install", "check-upstream"]),
    ];
    const merged = mergeTasks([{ clause: "install nginx", tasks: install }, { clause: "proxy", tasks: proxy }]);
    expect(merged.map((x) => [x.id, x.dependsOn])).toEqual([["check-package", []], ["install", ["check-package"]], ["check-upstream", []], ["write-config", ["install", "check-upstream"]]]);
  });

  test("ids stay unique; a partly repeated task depends on the task holding the repeated call; work a clause includes does not hold up its other steps", () => {
    const a = [t("start", [["service.start", { name: "a" }]])];
    const b = [t("start", [["service.start", { name: "a" }], ["service.start", { name: "b" }]]), t("check", [["net.check_port", { host: "h", port: 1 }]])];
    const merged = mergeTasks([{ clause: "a", tasks: a }, { clause: "b", tasks: b }]);
    expect(merged.map((x) => [x.id, x.calls.length, x.dependsOn])).toEqual([["start", 1, []], ["start-2", 1, ["start"]], ["check", 1, []]]);
    // A clause that does not include the earlier work waits for it.
    const c = [t("check", [["net.check_port", { host: "h", port: 2 }]])];
    expect(mergeTasks([{ clause: "a", tasks: a }, { clause: "c", tasks: c }]).map((x) => [x.id, x.dependsOn])).toEqual([["start", []], ["check", ["start"]]]);
  });

  test("three clauses chain; a cycle inside a clause is a bug, reported", () => {
    const one = (id: string, tool: string) => [t(id, [[tool, {}]])];
    const merged = mergeTasks([{ clause: "1", tasks: one("a", "monitor.disk") }, { clause: "2", tasks: one("b", "monitor.memory") }, { clause: "3", tasks: one("c", "monitor.cpu") }]);
    expect(merged.map((x) => [x.id, x.dependsOn])).toEqual([["a", []], ["b", ["a"]], ["c", ["b"]]]);
    expect(() => mergeTasks([{ clause: "x", tasks: [t("a", [["fs.read", {}]], ["b"]), t("b", [["fs.stat", {}]], ["a"])] }])).toThrow("cycle");
  });
});
