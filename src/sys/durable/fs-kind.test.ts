import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devName, fsTypeOf, fsyncKeepsNewName } from "./fs-kind";

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
