import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { readKeyFile, redact, Secret } from "./secrets";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aios-secret-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const KEY = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

describe("Secret", () => {
  test("shows [secret] however it is printed", () => {
    const s = new Secret(KEY);
    expect(String(s)).toBe("[secret]");
    expect(`${s}`).toBe("[secret]");
    expect(JSON.stringify({ s })).toBe('{"s":"[secret]"}');
    expect(inspect({ s })).not.toContain(KEY);
    expect(Bun.inspect({ s })).not.toContain(KEY);
    expect(s.reveal()).toBe(KEY);
  });
});

describe("redact", () => {
  test("removes the key and long fragments of it", () => {
    const s = new Secret(KEY);
    expect(redact(`bad key ${KEY} here`, s)).toBe("bad key [redacted] here");
    expect(redact(`Incorrect API key provided: ${KEY.slice(0, 14)}****${KEY.slice(-4)}`, s)).not.toContain(KEY.slice(0, 14));
    expect(redact("nothing to see", s)).toBe("nothing to see");
    expect(redact("x", null)).toBe("x");
  });
});

describe("readKeyFile", () => {
  test("first line, trimmed; a wider mode is used with a warning naming the file", () => {
    const path = join(dir, "claude.key");
    writeFileSync(path, `  ${KEY}  \nsecond line\n`);
    chmodSync(path, 0o600);
    const ok = readKeyFile(path, "/var/lib/aios/secrets/claude.key");
    expect(ok.key?.reveal()).toBe(KEY);
    expect(ok.note).toBeUndefined();
    chmodSync(path, 0o644);
    const wide = readKeyFile(path, "/var/lib/aios/secrets/claude.key");
    expect(wide.key?.reveal()).toBe(KEY);
    expect(wide.note).toBe("key file /var/lib/aios/secrets/claude.key has mode 0644; it should be 0600 (chmod 600 /var/lib/aios/secrets/claude.key)");
  });

  test("missing or empty files are no key, with the reason", () => {
    expect(readKeyFile(join(dir, "none.key"), "/s/none.key")).toEqual({ key: null, note: "no key file /s/none.key" });
    writeFileSync(join(dir, "e.key"), "\n");
    expect(readKeyFile(join(dir, "e.key"), "/s/e.key")).toEqual({ key: null, note: "key file /s/e.key is empty" });
  });
});
