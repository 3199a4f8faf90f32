/**
 * The offline repository disk (`make run REPO=1`): an ext4 image labelled
 * aios-repo, attached read-only. It is mounted read-only at the file://
 * repository's path the first time a package operation needs it, found by
 * its label (it is /dev/vdb after the data disk, but a label does not care).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { errorCode, libc } from "../../sys";
import { PkgRepoError } from "./errors";

const SUPERBLOCK = 1024;
const MAGIC_AT = SUPERBLOCK + 0x38;
const LABEL_AT = SUPERBLOCK + 0x78;

/** The volume label of an ext2/3/4 filesystem, or null when the bytes hold none. */
export function extLabel(head: Uint8Array): string | null {
  if (head.length < LABEL_AT + 16 || head[MAGIC_AT] !== 0x53 || head[MAGIC_AT + 1] !== 0xef) return null;
  const raw = head.subarray(LABEL_AT, LABEL_AT + 16);
  const nul = raw.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? raw.subarray(0, nul) : raw);
}

function readHead(device: string): Uint8Array | null {
  try {
    const fd = openSync(device, "r");
    try {
      const buf = new Uint8Array(2048);
      readSync(fd, buf, 0, buf.length, 0);
      return buf;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** `/dev/vdb` as given, or the disk whose ext label matches `LABEL=name`. */
export function findDevice(spec: string, sysBlock = "/sys/block", dev = "/dev"): string | null {
  if (!spec.startsWith("LABEL=")) return existsSync(spec) ? spec : null;
  const want = spec.slice("LABEL=".length);
  let names: string[];
  try {
    names = readdirSync(sysBlock).filter((n) => /^(vd|sd|xvd|nvme)/.test(n));
  } catch {
    return null;
  }
  for (const n of names.sort()) {
    const head = readHead(join(dev, n));
    if (head && extLabel(head) === want) return join(dev, n);
  }
  return null;
}

/** Mounts the repository disk at `dir` unless a repository is there already. */
export function mountRepository(dir: string, spec: string): void {
  if (existsSync(join(dir, "dists"))) return;
  const device = findDevice(spec);
  if (!device) throw new PkgRepoError(`file://${dir}`, `no repository there and no disk ${spec} to mount (boot with make run REPO=1)`);
  mkdirSync(dir, { recursive: true });
  try {
    libc.mount(device, dir, "ext4", libc.MS.RDONLY | libc.MS.NOSUID | libc.MS.NODEV, null);
  } catch (err) {
    if (errorCode(err) !== "EBUSY") throw new PkgRepoError(`file://${dir}`, `mount ${device}: ${(err as Error).message}`, { cause: err });
  }
}
