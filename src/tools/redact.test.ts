import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setSink } from "../sys";
import { fsWrite } from "./fs";
import { INLINE_MAX } from "./fs/snapshot";
import { makeEnv } from "./fs/testing";
import { processSpawn } from "./process";
import { redactJson, registerSecret } from "./redact";
import { openToolSystem } from "./system";

const previous = setSink(() => {});
const t = makeEnv(["/srv"]);
const sys = await openToolSystem({ ledgerPath: join(t.dir, "ledger/audit.db"), env: t.env, level: "full", tools: [fsWrite, processSpawn], providers: [] });
sys.capabilities.declare("ops", ["fs", "process"]);
afterAll(async () => {
  await sys.close();
  t.cleanup();
  setSink(previous);
});
const everything = () => JSON.stringify(sys.ledger.query({ limit: 1000 })) + JSON.stringify(sys.executor.recentCalls(100));

describe("secrets stay out of the ledger (issue 11)", () => {
  test("fs.write content is audited as its sha256 and size; the file and the undo get the bytes", async () => {
    const out = await sys.executor.call({ tool: "fs.write", args: { path: "/srv/key", content: "TOP-SECRET-CONTENT" }, agent: "ops" });
    expect(readFileSync(join(t.root, "srv/key"), "utf8")).toBe("TOP-SECRET-CONTENT");
    expect(everything()).not.toContain("TOP-SECRET-CONTENT");
    const req = sys.ledger.query({ callId: out.callId, kind: "request" })[0]!.data as { args: { content: unknown } };
    expect(req.args.content).toEqual({ sha256: new Bun.CryptoHasher("sha256").update("TOP-SECRET-CONTENT").digest("hex"), bytes: 18 });
    // A large file's undo copy is a blob only aiOS reads: 0600, and gone once undone (its record too).
    writeFileSync(join(t.root, "srv/big"), "x".repeat(INLINE_MAX + 1));
    const big = await sys.executor.call({ tool: "fs.write", args: { path: "/srv/big", content: "new" }, agent: "ops" });
    const dir = join(t.env.paths.data, "cache/undo", big.callId);
    expect(statSync(join(dir, readdirSync(dir)[0]!)).mode & 0o777).toBe(0o600);
    await sys.executor.rollback(big.callId, "test");
    expect(readFileSync(join(t.root, "srv/big"), "utf8")).toHaveLength(INLINE_MAX + 1);
    expect(() => statSync(dir)).toThrow();
    expect(sys.executor.calls.get(Number(big.callId.slice(1)))!.undo).toBeNull();
  });

  test("process.spawn: env by schema, the token by value, bearer headers and keys by pattern; the caller still gets it all", async () => {
    registerSecret("tok-0123456789abcdef");
    const script = 'echo "aios.token=tok-0123456789abcdef"; echo "Authorization: Bearer abcdefghijklmnop"; echo "$K"; echo password=hunter22';
    const out = await sys.executor.call({ tool: "process.spawn", args: { argv: ["/bin/sh", "-c", script], env: { K: "sk-ant-api03-abcdefghijklmnopqrstuv" } }, agent: "ops" });
    const stdout = (out as { result: { stdout: string } }).result.stdout;
    expect(stdout).toContain("tok-0123456789abcdef");
    const all = everything();
    for (const secret of ["tok-0123456789abcdef", "abcdefghijklmnop", "sk-ant-api03", "hunter22"]) expect(all).not.toContain(secret);
    const result = sys.ledger.query({ callId: out.callId, kind: "result" })[0]!.data as { result: { stdout: string } };
    expect(result.result.stdout).toBe("aios.token=[redacted]\nAuthorization: Bearer [redacted]\n[redacted]\npassword=[redacted]\n");
    expect((sys.ledger.query({ callId: out.callId, kind: "request" })[0]!.data as { args: { env: unknown } }).args.env).toBe("[redacted]");
    expect(sys.ledger.verify()).toMatchObject({ ok: true });
  });

  test("patterns keep JSON valid", () => {
    const json = JSON.stringify({ a: "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----", b: "x Bearer abcdefghijkl\" y" });
    expect(JSON.parse(redactJson(json))).toEqual({ a: "[redacted private key]", b: 'x Bearer [redacted]" y' });
  });
});
