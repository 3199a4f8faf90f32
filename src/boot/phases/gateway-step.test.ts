import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../config";
import { setSink } from "../../sys";
import { createContext, layout } from "../context";
import { GATEWAY, GATEWAY_OFF } from "../products";
import { services } from "./services";

const step = services.steps.find((s) => s.name === "gateway")!;
let root: string;
const logs: string[] = [];
let previous: (l: string) => void;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "aios-gwstep-"));
  logs.length = 0;
  previous = setSink((l) => logs.push(l));
});
afterEach(() => {
  setSink(previous);
  rmSync(root, { recursive: true, force: true });
});

const context = () => createContext({ mode: "dev", config: defaultConfig(), paths: layout(root) }, () => {});

describe("services: gateway step", () => {
  test("no key anywhere: skipped with the reason, no database created", async () => {
    const ctx = context();
    const out = await step.run(ctx, {});
    expect((out as { skip: string }).skip).toStartWith("no provider can be called (claude: no key (no key file /var/lib/aios/secrets/claude.key");
    expect(ctx.products.find(GATEWAY)).toBeUndefined();
    expect(ctx.products.find(GATEWAY_OFF)).toBe((out as { skip: string }).skip);
    expect(existsSync(join(root, "var/lib/aios/memory/working.db"))).toBe(false);
  });

  test("a key file: the gateway is built on the working database and stopped with the services", async () => {
    const key = "sk-ant-api03-STEPTEST-0123456789abcdef";
    mkdirSync(join(root, "var/lib/aios/secrets"), { recursive: true });
    writeFileSync(join(root, "var/lib/aios/secrets/claude.key"), key);
    chmodSync(join(root, "var/lib/aios/secrets/claude.key"), 0o600);
    const ctx = context();
    ctx.config.api.claude.monthly_budget_usd = 5;
    const out = await step.run(ctx, {});
    expect(out).toStartWith("claude claude-sonnet-4-5-20250929; openai off: no key");
    expect(ctx.products.find(GATEWAY)?.status().providers[0]).toMatchObject({ name: "claude", available: true, key: "file" });
    expect(existsSync(join(root, "var/lib/aios/memory/working.db"))).toBe(true);
    expect(ctx.services.map((s) => s.name)).toEqual(["gateway"]);
    await ctx.services[0]!.stop();
    expect(step.describe(ctx)).toBe(`aios-gateway --providers claude,openai --usage ${join(root, "var/lib/aios/memory/working.db")}`);
    for (const l of logs) expect(l).not.toContain(key);
  });
});
