import { describe, expect, test } from "bun:test";
import { embedded, readGoal } from "./grammar";
import { lex } from "./lex";
import { meaningful } from "./words";
import { INTENTS } from "./intents";
import { FACTS } from "./testing";

function clauses(goal: string): Array<[string, string]> | string {
  const r = readGoal(goal, INTENTS, FACTS);
  if (r.kind === "read") return r.clauses.map((c) => [c.text, c.reading.intent.name]);
  return r.kind;
}

describe("goals into clauses", () => {
  test("the fewest clauses that all read: lists stay whole, actions split", () => {
    expect(clauses("install nginx and curl")).toEqual([["install nginx and curl", "install-package"]]);
    expect(clauses("install nginx and start it")).toEqual([["install nginx", "install-package"], ["start it", "control-service"]]);
    expect(clauses("show disk and memory usage")).toEqual([["show disk and memory usage", "show-usage"]]);
    expect(clauses("stop the worker, then start backup. Show its logs")).toEqual([["stop the worker", "control-service"], ["start backup", "control-service"], ["Show its logs", "show-logs"]]);
  });

  test("a comma inside one request does not split it", () => {
    expect(clauses("the disk is full, fix it")).toEqual([["the disk is full, fix it", "disk-full"]]);
  });

  test("an empty goal, or one of fillers only", () => {
    expect(clauses("")).toBe("empty");
    expect(clauses("please, thanks!")).toBe("empty");
  });

  test("every word is accounted for: one left over is a miss, not a plan", () => {
    expect(clauses("restart nginx tomorrow")).toBe("miss");
    expect(clauses("install nginx on another machine")).toBe("miss");
  });

  test("quoted text is never split and never read as words", () => {
    expect(clauses("write 'stop nginx and restart it' to /tmp/x")).toEqual([["write 'stop nginx and restart it' to /tmp/x", "write-file"]]);
  });
});

describe("pleas for help", () => {
  test("around a request, they are dropped; alone, 'help' is a question", () => {
    expect(clauses("my disk is almost full, please help")).toEqual([["my disk is almost full", "disk-full"]]);
    expect(clauses("nginx is down. Help!")).toEqual([["nginx is down", "service-down"]]);
    expect(clauses("help, the disk is full")).toEqual([["the disk is full", "disk-full"]]);
    expect(clauses("the disk is full, what should I do?")).toEqual([["the disk is full", "disk-full"]]);
    expect(clauses("restart nginx, ok?")).toEqual([["restart nginx", "control-service"]]);
    expect(clauses("help")).toEqual([["help", "knowledge"]]);
    // A word of the request is not a plea: "show help" is not "show".
    expect(clauses("show help")).toBe("miss");
  });
});

describe("bounds", () => {
  test("a goal asking too many things at once is refused before reading them all", () => {
    expect(readGoal(Array.from({ length: 40 }, () => "show disk usage").join(", "), INTENTS, FACTS)).toMatchObject({ kind: "too-many" });
    expect(readGoal(`install ${Array.from({ length: 150 }, (_, i) => `p${i}`).join(" and ")}`, INTENTS, FACTS)).toMatchObject({ kind: "too-many" });
  });
});

describe("embedded questions", () => {
  const orders = (s: string) => embedded(meaningful(lex(s))).map((ts) => ts.map((t) => t.text).join(" "));
  test("the last is/are moved to after the wh-word, or one or two words later", () => {
    expect(orders("what time it is")).toEqual(["what is time it", "what time is it"]);
    expect(orders("which groups bob is in")).toEqual(["which is groups bob in", "which groups is bob in"]);
    expect(orders("how much memory the system is using")).toEqual(["how is much memory system using", "how much is memory system using", "how much memory is system using"]);
    expect(orders("what is the hostname")).toEqual([]); // already a question
    expect(orders("is nginx running")).toEqual([]); // no wh-word
  });
  test("a yes/no question inside a request is the direct question; 'has' and 'was' move back too", () => {
    expect(orders("let me know if port 22 is open")).toEqual(["is port 22 open"]);
    expect(orders("I wonder whether the disk is full")).toEqual(["is disk full"]);
    expect(orders("let me know if nginx crashes")).toEqual([]);
    expect(orders("how long the machine has been up")).toEqual(["how has long machine been up", "how long has machine been up"]);
    expect(clauses("could you find out whether port 80 is open")).toEqual([["could you find out whether port 80 is open", "check-endpoint"]]);
    expect(clauses("let me know if curl is installed")).toEqual([["let me know if curl is installed", "package-info"]]);
    // A conditional is not a question: "if nginx is running" alone is not read.
    expect(clauses("if nginx is running restart it")).toBe("miss");
  });

  test("read only when the clause as written does not", () => {
    expect(clauses("tell me how full the disk is")).toEqual([["tell me how full the disk is", "show-usage"]]);
    expect(clauses("let me know which groups bob is in")).toEqual([["let me know which groups bob is in", "user-info"]]);
    expect(clauses("check what time it is")).toEqual([["check what time it is", "show-time"]]);
  });
});

