/**
 * Installing an update image from a stream, in this order, so that nothing
 * bad ever reaches the slot and the slot's previous system survives every
 * refusal:
 *
 *   1. the header (image.ts): well formed, signed with this system's key,
 *      small enough for the slot, and room on the data disk to stage it —
 *      checked before one byte of the payload is read;
 *   2. the payload streamed to a staging file on the data disk, hashed on the
 *      way (no buffering in memory beyond one chunk): its size and sha256 must
 *      be the header's;
 *   3. only then the slot: `beforeWrite` records that it is being written
 *      (so a power cut from here on is known at the next boot), the staged
 *      bytes are copied to it and hashed again, and the slot is fsynced.
 *
 * The staging file is removed whatever happens.
 */
import { createHash } from "node:crypto";
import { rmSync, statfsSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { UpdateError } from "./errors";
import type { SlotDevice } from "./disk";
import { checkPayloadStart, checkSignature, MAX_HEADER_BYTES, parseHead, type Header } from "./image";

export interface InstallTarget {
  publicKey: string | null;
  device: SlotDevice;
  /** The staging file, on the data disk. */
  staging: string;
  /** Where free space is checked (the staging file's directory). */
  stagingDir: string;
  /** Called once the image is verified, before the slot is touched. */
  beforeWrite(header: Header): void;
}

export interface Installed {
  version: string;
  commit: string | null;
  size: number;
  sha256: string;
  slotDevice: string;
}

/** Left free on the data disk beyond the staged image, for the databases and logs. */
export const SPACE_RESERVE = 16 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** Reads on from a partly consumed iterator, discarding, up to `limit` bytes: a client that is still sending then reads the refusal. */
async function drain(it: AsyncIterator<Uint8Array>, limit: number): Promise<void> {
  for (let n = 0; n < limit; ) {
    const { value, done } = await it.next();
    if (done) return;
    n += value.length;
  }
}

export async function installImage(body: AsyncIterable<Uint8Array>, target: InstallTarget): Promise<Installed> {
  const it = body[Symbol.asyncIterator]();
  // 1. The header, from the first chunks.
  let buf: Uint8Array = new Uint8Array(0);
  let head = null;
  while (!head) {
    const { value, done } = await it.next();
    if (done) {
      if (buf.length === 0) throw new UpdateError("bad_image", "the body is empty: send an update image (make update-image VERSION=x)");
      head = parseHead(buf);
      if (!head) throw new UpdateError("truncated", `the update image ends inside its header (${buf.length} bytes)`);
      break;
    }
    buf = concat(buf, value);
    head = parseHead(buf);
  }
  const { header } = head;
  try {
    checkSignature(head, target.publicKey);
    if (header.size > target.device.bytes) {
      throw new UpdateError("too_large", `update image ${header.version} is ${mib(header.size)} MiB; slot ${target.device.path} holds ${mib(target.device.bytes)} MiB`);
    }
    const fs = statfsSync(target.stagingDir);
    const free = Number(fs.bavail) * Number(fs.bsize);
    if (free < header.size + SPACE_RESERVE) {
      throw new UpdateError("no_space", `the data disk has ${mib(free)} MiB free; staging update image ${header.version} needs ${mib(header.size + SPACE_RESERVE)} MiB`);
    }
  } catch (err) {
    await drain(it, header.size + MAX_HEADER_BYTES).catch(() => {});
    throw err;
  }

  // 2. The payload, to the staging file.
  let staging: FileHandle | undefined;
  try {
    staging = await open(target.staging, "w+", 0o600);
    const hash = createHash("sha256");
    let got = 0;
    const take = async (chunk: Uint8Array) => {
      if (got === 0 && chunk.length) checkPayloadStart(chunk, header.version);
      if (got + chunk.length > header.size) throw new UpdateError("bad_image", `update image ${header.version}: more than the ${header.size} bytes its header announces`);
      hash.update(chunk);
      await staging!.write(chunk, 0, chunk.length, got);
      got += chunk.length;
    };
    try {
      if (buf.length > head.length) await take(buf.subarray(head.length));
      buf = new Uint8Array(0);
      for (;;) {
        const { value, done } = await it.next();
        if (done) break;
        await take(value);
      }
    } catch (err) {
      await drain(it, header.size + MAX_HEADER_BYTES).catch(() => {});
      throw err;
    }
    if (got < header.size) throw new UpdateError("truncated", `update image ${header.version}: ${got} of ${header.size} bytes arrived`);
    const sha = hash.digest("hex");
    if (sha !== header.sha256) throw new UpdateError("bad_checksum", `update image ${header.version}: the payload's sha256 is ${sha}, its header says ${header.sha256} (corrupted in transit or changed)`);

    // 3. The slot.
    target.beforeWrite(header);
    await copyToSlot(staging, target.device.path, header);
    return { version: header.version, commit: header.commit, size: header.size, sha256: header.sha256, slotDevice: target.device.path };
  } finally {
    await staging?.close().catch(() => {});
    rmSync(target.staging, { force: true });
  }
}

async function copyToSlot(staging: FileHandle, device: string, header: Header): Promise<void> {
  let slot: FileHandle;
  try {
    slot = await open(device, "r+");
  } catch (err) {
    throw new UpdateError("write_failed", `open ${device} for writing: ${(err as Error).message}`, { cause: err });
  }
  try {
    const chunk = Buffer.alloc(CHUNK);
    const hash = createHash("sha256");
    for (let pos = 0; pos < header.size; ) {
      const { bytesRead } = await staging.read(chunk, 0, Math.min(CHUNK, header.size - pos), pos);
      if (bytesRead === 0) throw new UpdateError("write_failed", `the staged image ended at byte ${pos} of ${header.size}`);
      hash.update(chunk.subarray(0, bytesRead));
      await slot.write(chunk, 0, bytesRead, pos);
      pos += bytesRead;
    }
    if (hash.digest("hex") !== header.sha256) throw new UpdateError("write_failed", "the staged image changed on the data disk while it was copied to the slot");
    await slot.sync();
  } catch (err) {
    if (err instanceof UpdateError) throw err;
    throw new UpdateError("write_failed", `write ${device}: ${(err as Error).message}`, { cause: err });
  } finally {
    await slot.close().catch(() => {});
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
