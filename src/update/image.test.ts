import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { checkSignature, encodeHead, MAX_HEADER_BYTES, parseHead, sha256Hex } from "./image";
import { UpdateError } from "./errors";

const keys = generateKeyPairSync("ed25519");
const pub = keys.publicKey.export({ type: "spki", format: "pem" }).toString();
const payload = new Uint8Array(8192).fill(7);
payload.set(new TextEncoder().encode("hsqs"));
const meta = { version: "1.2.3", commit: "abc123", created: "2026-12-07T00:00:00.000Z" };

function image(key = keys.privateKey as Parameters<typeof encodeHead>[2]): Uint8Array {
  const head = encodeHead(meta, { size: payload.length, sha256: sha256Hex(payload) }, key);
  return new Uint8Array(Buffer.concat([head, payload]));
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof UpdateError ? err.code : `not an UpdateError: ${err}`;
  }
  return undefined;
}

describe("update image header", () => {
  test("three lines, readable with head: magic, the JSON header, the signature", () => {
    const text = new TextDecoder().decode(image().subarray(0, 400)).split("\n");
    expect(text[0]).toBe("aios-update 1");
    expect(JSON.parse(text[1]!)).toEqual({ ...meta, size: payload.length, sha256: sha256Hex(payload), fs: "squashfs" });
    expect(text[2]).toMatch(/^ed25519 [A-Za-z0-9+/]{86}==$/);
  });

  test("parses once all three lines are in, from any split; the payload starts after them", () => {
    const img = image();
    const head = parseHead(img)!;
    expect(head.header.version).toBe("1.2.3");
    expect(img.subarray(head.length, head.length + 4)).toEqual(new TextEncoder().encode("hsqs"));
    for (const cut of [0, 5, 20, head.length - 1]) expect(parseHead(img.subarray(0, cut))).toBeNull();
    expect(parseHead(img.subarray(0, head.length))!.length).toBe(head.length);
  });

  test("the signature verifies with the key that made it, and with no other", () => {
    expect(() => checkSignature(parseHead(image())!, pub)).not.toThrow();
    const other = generateKeyPairSync("ed25519");
    expect(code(() => checkSignature(parseHead(image(other.privateKey))!, pub))).toBe("bad_signature");
    expect(code(() => checkSignature(parseHead(image())!, null))).toBe("no_key");
  });

  test("an unsigned image says so", () => {
    const head = parseHead(image(null))!;
    expect(head.signature).toBeNull();
    expect(code(() => checkSignature(head, pub))).toBe("unsigned");
  });

  test("a header changed after signing (a bigger size, another hash) fails the signature", () => {
    const img = Buffer.from(image());
    const tampered = Buffer.from(img.toString("latin1").replace('"version":"1.2.3"', '"version":"1.2.4"'), "latin1");
    expect(code(() => checkSignature(parseHead(tampered)!, pub))).toBe("bad_signature");
  });

  test("not an image, a malformed header, a bad field: bad_image naming what is wrong", () => {
    expect(code(() => parseHead(new TextEncoder().encode("GIF89a and more bytes than the magic")))).toBe("bad_image");
    expect(code(() => parseHead(new TextEncoder().encode("aios-update 1\n{nope\nunsigned\n")))).toBe("bad_image");
    const bad = `aios-update 1\n${JSON.stringify({ ...meta, size: 1, sha256: "x", fs: "squashfs" })}\nunsigned\n`;
    expect(() => parseHead(new TextEncoder().encode(bad))).toThrow(/header: size/);
    expect(() => parseHead(new TextEncoder().encode(`aios-update 1\n${JSON.stringify({ ...meta, size: 9000, sha256: "0".repeat(64), fs: "squashfs" })}\nmd5 abc\n`))).toThrow(/third line/);
    expect(code(() => parseHead(new Uint8Array(MAX_HEADER_BYTES + 10).fill(0x61)))).toBe("bad_image");
  });
});
