/**
 * The update image (`make update-image`, build/mkupdate.ts): three text lines,
 * then the system image itself, so `head -c 1000 update.img` shows what it is.
 *
 *   aios-update 1\n
 *   {"version":"x","commit":"…","created":"…","size":N,"sha256":"…","fs":"squashfs"}\n
 *   ed25519 BASE64-SIGNATURE\n
 *   N bytes of squashfs
 *
 * The signature covers the first two lines exactly as sent, and the header
 * names the payload's size and sha256, so one ed25519 check vouches for every
 * byte. The header is checked before a byte of the payload is written
 * anywhere; the payload's hash once it has all arrived.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import * as v from "valibot";
import { UpdateError } from "./errors";

export const MAGIC = "aios-update 1";
/** The three header lines together never exceed this; anything longer is not an update image. */
export const MAX_HEADER_BYTES = 16 * 1024;
const SQUASHFS_MAGIC = "hsqs";

const VERSION = /^[A-Za-z0-9._+~-]{1,64}$/;

export const HeaderSchema = v.strictObject({
  version: v.pipe(v.string(), v.regex(VERSION, "must be 1-64 letters, digits or . _ + ~ -")),
  commit: v.nullable(v.pipe(v.string(), v.maxLength(64))),
  created: v.pipe(v.string(), v.isoTimestamp()),
  size: v.pipe(v.number(), v.integer(), v.minValue(4096)),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits")),
  fs: v.literal("squashfs"),
});
export type Header = v.InferOutput<typeof HeaderSchema>;

export interface ParsedHead {
  header: Header;
  /** The signed bytes: the magic line and the header line, newlines included. */
  signed: Uint8Array;
  /** The signature, or null when the third line carries none. */
  signature: Uint8Array | null;
  /** Bytes of the header lines: the payload starts here. */
  length: number;
}

const NL = 0x0a;

/**
 * Parses the three header lines at the start of `buf`; null when they have
 * not all arrived yet (and `buf` is still shorter than MAX_HEADER_BYTES).
 */
export function parseHead(buf: Uint8Array): ParsedHead | null {
  const ends: number[] = [];
  for (let i = 0; i < Math.min(buf.length, MAX_HEADER_BYTES) && ends.length < 3; i++) if (buf[i] === NL) ends.push(i);
  if (ends.length < 1 && buf.length >= MAGIC.length + 1 && !startsWith(buf, MAGIC)) throw notAnImage();
  if (ends.length < 3) {
    if (buf.length >= MAX_HEADER_BYTES) throw new UpdateError("bad_image", `not an update image: no header within its first ${MAX_HEADER_BYTES} bytes`);
    return null;
  }
  const text = (from: number, to: number) => new TextDecoder().decode(buf.subarray(from, to));
  if (text(0, ends[0]!) !== MAGIC) throw notAnImage();
  let raw: unknown;
  try {
    raw = JSON.parse(text(ends[0]! + 1, ends[1]!));
  } catch (err) {
    throw new UpdateError("bad_image", `update image header: malformed JSON: ${(err as Error).message}`);
  }
  const parsed = v.safeParse(HeaderSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const field = issue.path?.map((p) => String(p.key)).join(".") || "header";
    throw new UpdateError("bad_image", `update image header: ${field}: ${issue.message}`);
  }
  const sigLine = text(ends[1]! + 1, ends[2]!);
  const m = /^ed25519 ([A-Za-z0-9+/]{86}==)$/.exec(sigLine);
  const signature = m ? new Uint8Array(Buffer.from(m[1]!, "base64")) : null;
  if (!m && sigLine !== "unsigned") throw new UpdateError("bad_image", `update image: the third line must be "ed25519 <signature>" or "unsigned", not ${JSON.stringify(sigLine.slice(0, 40))}`);
  return { header: parsed.output, signed: buf.slice(0, ends[1]! + 1), signature, length: ends[2]! + 1 };
}

function startsWith(buf: Uint8Array, s: string): boolean {
  return new TextDecoder().decode(buf.subarray(0, s.length)) === s;
}

function notAnImage(): UpdateError {
  return new UpdateError("bad_image", `not an update image: it does not start with "${MAGIC}" (build one with make update-image VERSION=x)`);
}

/** Throws unless the head carries a signature that `publicKeyPem` verifies. */
export function checkSignature(head: ParsedHead, publicKeyPem: string | null): void {
  if (!head.signature) throw new UpdateError("unsigned", `update image ${head.header.version} is not signed: this system installs only images signed with its update key`);
  if (!publicKeyPem) throw new UpdateError("no_key", "this build of aios-init has no update key, so it can check no signature (the image build embeds out/keys/update.pub)");
  let ok = false;
  try {
    ok = verify(null, head.signed, createPublicKey(publicKeyPem), head.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new UpdateError("bad_signature", `update image ${head.header.version}: the signature does not verify with this system's update key (signed with another key, or the header was changed)`);
}

/** Throws unless the payload's first bytes are a squashfs superblock's. */
export function checkPayloadStart(first: Uint8Array, version: string): void {
  if (first.length >= 4 && new TextDecoder().decode(first.subarray(0, 4)) !== SQUASHFS_MAGIC) {
    throw new UpdateError("bad_image", `update image ${version}: the payload is not a squashfs image`);
  }
}

/** The three header lines for a payload, signed with `key` (null: the "unsigned" line, for tests). */
export function encodeHead(meta: { version: string; commit: string | null; created?: string }, payload: { size: number; sha256: string }, key: KeyObject | null): Uint8Array {
  const header: Header = { version: meta.version, commit: meta.commit, created: meta.created ?? new Date().toISOString(), size: payload.size, sha256: payload.sha256, fs: "squashfs" };
  const check = v.safeParse(HeaderSchema, header);
  if (!check.success) throw new UpdateError("bad_image", `update image header: ${check.issues[0].message}`);
  const signed = Buffer.from(`${MAGIC}\n${JSON.stringify(header)}\n`);
  const sigLine = key ? `ed25519 ${sign(null, signed, key).toString("base64")}\n` : "unsigned\n";
  return new Uint8Array(Buffer.concat([signed, Buffer.from(sigLine)]));
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
