import { describe, expect, test } from "bun:test";
import { AGENTS } from "./builtin";
import { defineAgent } from "./define";

describe("defineAgent", () => {
  test("returns plain data with the built-in call handler", () => {
    const a = defineAgent({ name: "probe", description: "d", capabilities: ["net.ping", "fs", "sec.*", "*"], handlers: { ping: () => "pong" } });
    expect(Object.keys(a.handlers).sort()).toEqual(["call", "ping"]);
    expect(a.capabilities).toEqual(["net.ping", "fs", "sec.*", "*"]);
  });

  test("refuses bad names, capabilities that are not tool names or namespaces, and a replaced call", () => {
    expect(() => defineAgent({ name: "Bad Name", description: "", capabilities: [] })).toThrow("name must be");
    expect(() => defineAgent({ name: "x", description: "", capabilities: ["fs.read.more"] })).toThrow('capability "fs.read.more"');
    expect(() => defineAgent({ name: "x", description: "", capabilities: ["FS"] })).toThrow("capability");
    expect(() => defineAgent({ name: "x", description: "", capabilities: [], handlers: { call: () => 1 } })).toThrow('"call" is built in');
  });

  test("seed 003's eight agents, each with capabilities and a description", () => {
    expect(AGENTS.map((a) => a.name)).toEqual(["system", "network", "security", "monitor", "package", "storage", "task", "dev"]);
    for (const a of AGENTS) {
      expect(a.capabilities.length).toBeGreaterThan(0);
      expect(a.handlers.call).toBeFunction();
    }
    expect(Object.keys(AGENTS.find((a) => a.name === "monitor")!.handlers).sort()).toEqual(["call", "check"]);
  });
});
