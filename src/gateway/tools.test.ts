import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { defineTool } from "../tools/define";
import { GatewayError } from "./errors";
import { ToolNames, toolSpec, wireName } from "./tools";

const write = defineTool({
  name: "fs.write",
  description: "Write a file.",
  input: v.strictObject({ path: v.pipe(v.string(), v.startsWith("/"), v.check((s) => !s.includes("\0"))), content: v.string(), mode: v.optional(v.string()), createParents: v.optional(v.boolean(), false) }),
  output: v.object({ bytes: v.number() }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: false,
  timeoutMs: 1000,
  execute: () => ({ bytes: 0 }),
});

describe("toolSpec", () => {
  test("a defineTool tool becomes a neutral spec with its input as JSON Schema", () => {
    const spec = toolSpec(write);
    expect(spec.name).toBe("fs.write");
    expect(spec.description).toBe("Write a file.");
    expect(spec.inputSchema).toEqual({
      type: "object",
      properties: { path: { type: "string", pattern: "^/" }, content: { type: "string" }, mode: { type: "string" }, createParents: { type: "boolean", default: false } },
      required: ["path", "content"],
      additionalProperties: false,
    });
    expect(spec.inputSchema.$schema).toBeUndefined();
  });
});

describe("ToolNames", () => {
  test("dots go on the wire as __ and come back exactly", () => {
    const names = new ToolNames([toolSpec(write), { name: "svc.re__start", description: "", inputSchema: { type: "object" } }]);
    expect(names.wire("fs.write")).toBe("fs__write");
    expect(names.local("fs__write")).toBe("fs.write");
    expect(names.local("svc__re__start")).toBe("svc.re__start");
    expect(names.local("made__up")).toBe("made__up");
    expect(wireName("a.b.c")).toBe("a__b__c");
  });

  test("names that cannot go on the wire, clashes and non-object schemas are refused before any call", () => {
    const t = (name: string, inputSchema: Record<string, unknown> = { type: "object" }) => ({ name, description: "", inputSchema });
    expect(() => new ToolNames([t("fs.wr ite")])).toThrow(GatewayError);
    expect(() => new ToolNames([t(`x.${"a".repeat(70)}`)])).toThrow("must match");
    expect(() => new ToolNames([t("a.b"), t("a__b")])).toThrow("tool a__b: wire name a__b is also a.b's");
    expect(() => new ToolNames([t("a.b", { type: "string" })])).toThrow('tool a.b: input schema must be an object schema (got type "string")');
  });
});
