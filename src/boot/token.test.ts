import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setSink } from "../sys";
import { resolveToken, TOKEN_FILE } from "./token";

const root = mkdtempSync(join(tmpdir(), "aios-token-"));
const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterAll(() => {
  setSink(previousSink);
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
function secrets(): string {
  const dir = join(root, `s${n++}`);
  mkdirSync(dir, { recursive: true });
  logs.length = 0;
  return dir;
}

describe("resolveToken", () => {
  test("a given token wins and nothing is written or printed", () => {
    const dir = secrets();
    writeFileSync(join(dir, TOKEN_FILE), "saved\n");
    expect(resolveToken(dir, "given")).toEqual({ token: "given", source: "command line" });
    expect(readFileSync(join(dir, TOKEN_FILE), "utf8")).toBe("saved\n");
    expect(logs).toEqual([]);
  });

  test("a generated token is written 0600, printed once, and reused by the next call", () => {
    const dir = secrets();
    const path = join(dir, TOKEN_FILE);
    const first = resolveToken(dir);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes, base64url
    expect(first.source).toBe(`${path} (new)`);
    expect(readFileSync(path, "utf8")).toBe(`${first.token}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(logs).toEqual([`aios: API token (shown once; saved in ${path}): ${first.token}`]);

    const second = resolveToken(dir);
    expect(second).toEqual({ token: first.token, source: path });
    expect(logs).toHaveLength(1);
  });

  test("two directories get different tokens", () => {
    expect(resolveToken(secrets()).token).not.toBe(resolveToken(secrets()).token);
  });

  test("the saved file's content is trimmed", () => {
    const dir = secrets();
    writeFileSync(join(dir, TOKEN_FILE), "  s3cret-token \n\n");
    expect(resolveToken(dir)).toEqual({ token: "s3cret-token", source: join(dir, TOKEN_FILE) });
    expect(logs).toEqual([]);
  });

  test("an empty given token does not count as given", () => {
    const dir = secrets();
    writeFileSync(join(dir, TOKEN_FILE), "saved");
    expect(resolveToken(dir, "").token).toBe("saved");
  });

  test("a blank saved file is replaced by a new token", () => {
    const dir = secrets();
    const path = join(dir, TOKEN_FILE);
    writeFileSync(path, " \n", { mode: 0o600 });
    const r = resolveToken(dir);
    expect(r.source).toBe(`${path} (new)`);
    expect(readFileSync(path, "utf8")).toBe(`${r.token}\n`);
    expect(r.token.length).toBe(32);
  });

  // BUG (src/boot/token.ts:21): writeFileSync's `mode` applies only when it creates the
  // file, so a new token written over an existing blank file keeps that file's looser mode.
  test("a new token written over a blank world-readable file is still 0600", () => {
    const dir = secrets();
    const path = join(dir, TOKEN_FILE);
    writeFileSync(path, "");
    chmodSync(path, 0o644);
    resolveToken(dir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test("a missing secrets directory is an error (storage creates it first)", () => {
    const dir = join(root, "missing");
    expect(() => resolveToken(dir)).toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
