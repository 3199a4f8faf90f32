import { describe, expect, test } from "bun:test";
import { Capabilities } from "../tools";
import type { TaskPlan } from "./plan";
import { routeTask } from "./router";

const caps = new Capabilities();
caps.declare("system", ["fs", "process", "service", "hw"]);
caps.declare("package", ["pkg", "fs.read", "fs.list"]);
caps.declare("monitor", ["monitor", "net.check_port", "net.http_request", "service.status"]);
const agents = ["system", "package", "monitor"].map((name) => ({ name, capabilities: caps.list(name) }));
const allows = (a: string, t: string) => caps.allows(a, t);
const task = (tools: string[], agent?: string): TaskPlan => ({ id: "t1", title: "t", agent, dependsOn: [], calls: tools.map((tool) => ({ tool, args: {} })) });

describe("routeTask", () => {
  test("picks the most specialised agent that may make every call", () => {
    expect(routeTask(task(["pkg.install"]), agents, allows).agent).toBe("package");
    expect(routeTask(task(["net.check_port", "net.http_request"]), agents, allows).agent).toBe("monitor");
    expect(routeTask(task(["fs.read"]), agents, allows).agent).toBe("package");
    expect(routeTask(task(["fs.write", "service.start"]), agents, allows).agent).toBe("system");
  });

  test("keeps a capable suggestion and says why it overrode an incapable one", () => {
    expect(routeTask(task(["fs.read"], "system"), agents, allows)).toMatchObject({ agent: "system", why: expect.stringContaining("planner chose system") });
    const r = routeTask(task(["pkg.install"], "monitor"), agents, allows);
    expect(r.agent).toBe("package");
    expect(r.why).toContain("monitor lacks a capability");
  });

  test("fails with the tools no agent may combine", () => {
    expect(() => routeTask(task(["pkg.install", "process.kill"]), agents, allows)).toThrow("task t1: no agent may call pkg.install and process.kill");
  });
});
