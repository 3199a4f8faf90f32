import { describe, expect, test } from "bun:test";
import { problem } from "./fits";
import { REGISTRY } from "./testing";

const schema = (tool: string) => REGISTRY.describe(tool).inputSchema as Record<string, unknown>;

describe("a call fits the tool's JSON Schema", () => {
  test("fields, required fields, types, ranges, patterns, enums, arrays", () => {
    expect(problem(schema("net.check_port"), { host: "127.0.0.1", port: 80 })).toBeNull();
    expect(problem(schema("net.check_port"), { host: "127.0.0.1" })).toBe("args.port: is required");
    expect(problem(schema("net.check_port"), { host: "h", port: 70000 })).toBe("args.port: must be at most 65535");
    expect(problem(schema("net.check_port"), { host: "h", port: 80, speed: 1 })).toBe("args.speed: this version of the tool does not take it");
    expect(problem(schema("monitor.logs"), { source: "/var/log/syslog" })).toBe('args.source: "/var/log/syslog" is not accepted');
    expect(problem(schema("process.kill"), { pid: 5, signal: "SIGNOPE" })).toContain("args.signal: must be one of");
    expect(problem(schema("user.create"), { name: "bob", groups: ["ok", "Not Ok"] })).toBe('args.groups[1]: "Not Ok" is not accepted');
    expect(problem(schema("net.http_check"), { url: "http://x/", expectStatus: "200-499" })).toBeNull();
    expect(problem(schema("net.http_check"), { url: "http://x/", expectStatus: "ok" })).toBe("args.expectStatus: matches none of the accepted forms");
  });
});
