import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitFacts, devName, fsTypeOf, fsyncKeepsNewName, keepsWritten } from "./fs-kind";

const dir = mkdtempSync(join(tmpdir(), "fs-kind-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("devName splits st_dev as glibc does, small and large numbers alike", () => {
  expect(devName(0x801)).toBe("8:1"); // sda1
  expect(devName(0xfe01)).toBe("254:1"); // vda1
  expect(devName(0x700)).toBe("7:0"); // loop0
  expect(devName(259 * 256 + 3)).toBe("259:3"); // nvme0n1p3
  expect(devName(0x00100000 | (0x12 << 8) | 0x34)).toBe("18:308"); // a minor above 255
});

test("fsTypeOf reads the type after the separator, past optional fields", () => {
  const info = join(dir, "mountinfo");
  writeFileSync(
    info,
    [
      "22 1 0:21 / /proc rw,nosuid - proc proc rw",
      "25 1 254:1 / / rw,relatime shared:1 master:2 - ext4 /dev/vda1 rw,discard",
      "30 25 7:0 / /mnt/x rw - xfs /dev/loop0 rw",
    ].join("\n"),
  );
  expect(fsTypeOf(0xfe01, info)).toBe("ext4");
  expect(fsTypeOf(0x700, info)).toBe("xfs");
  expect(fsTypeOf(0x801, info)).toBeNull();
  expect(fsTypeOf(0x801, join(dir, "missing"))).toBeNull();
});

const dev = statSync(dir).dev;
// Skipped where mountinfo does not list the device (some container roots): nothing to compare with.
test.skipIf(!readFileSync("/proc/self/mountinfo", "utf8").includes(` ${devName(dev)} `))("this host's temporary directory: the answer follows its filesystem's type", () => {
  expect(fsyncKeepsNewName(dev)).toBe(fsTypeOf(dev) === "ext4");
  expect(fsyncKeepsNewName(0x7ffff)).toBe(false); // no such filesystem: the directory is flushed
});

describe("commitKeepsWritten: where one journal commit persists what was written before it", () => {
  const ext4 = ["rw", "journal_checksum", "barrier", "auto_da_alloc", "data=ordered", "commit=5"];
  const facts = { type: "ext4", journal: true, options: ext4, compat: 0x3c };

  test("ext4 with its journal, barriers, ordered or journaled data and no fast commits", () => {
    expect(keepsWritten(facts)).toBe(true);
    expect(keepsWritten({ ...facts, options: ext4.map((o) => (o === "data=ordered" ? "data=journal" : o)) })).toBe(true);
  });

  test.each([
    ["another filesystem", { ...facts, type: "xfs" }],
    ["no journal", { ...facts, journal: false }],
    ["no barrier", { ...facts, options: ext4.filter((o) => o !== "barrier") }],
    ["nobarrier", { ...facts, options: [...ext4, "nobarrier"] }],
    ["asynchronous commits", { ...facts, options: [...ext4, "journal_async_commit"] }],
    ["data=writeback", { ...facts, options: ext4.map((o) => (o === "data=ordered" ? "data=writeback" : o)) }],
    ["fast commits", { ...facts, compat: 0x3c | 0x400 }],
    ["a superblock not read", { ...facts, compat: null }],
  ])("not with %s", (_why, f) => {
    expect(keepsWritten(f)).toBe(false);
  });

  test("commitFacts reads mountinfo, the device's name, jbd2, ext4's options and the superblock", () => {
    const root = join(dir, "roots");
    const [proc, sys, devDir] = ["proc", "sys", "dev"].map((d) => join(root, d)) as [string, string, string];
    mkdirSync(join(proc, "self"), { recursive: true });
    writeFileSync(join(proc, "self/mountinfo"), "30 25 7:3 / /var/lib/aios rw,noatime - ext4 /dev/loop3 rw\n");
    mkdirSync(join(sys, "dev/block"), { recursive: true });
    symlinkSync("../../devices/virtual/block/loop3", join(sys, "dev/block/7:3"));
    mkdirSync(join(proc, "fs/jbd2/loop3-8"), { recursive: true });
    mkdirSync(join(proc, "fs/ext4/loop3"), { recursive: true });
    writeFileSync(join(proc, "fs/ext4/loop3/options"), `${ext4.join("\n")}\n`);
    mkdirSync(devDir);
    const sb = Buffer.alloc(2048);
    sb.writeUInt32LE(0x3c, 1024 + 0x5c);
    writeFileSync(join(devDir, "loop3"), sb);
    const roots = { proc, sys, dev: devDir };
    expect(commitFacts(0x703, roots)).toEqual({ type: "ext4", journal: true, options: ext4, compat: 0x3c });
    expect(keepsWritten(commitFacts(0x703, roots))).toBe(true);
    rmSync(join(proc, "fs/jbd2/loop3-8"), { recursive: true });
    expect(keepsWritten(commitFacts(0x703, roots))).toBe(false); // no journal
    expect(commitFacts(0x704, roots)).toEqual({ type: null, journal: false, options: [], compat: null }); // no such device
  });
});
