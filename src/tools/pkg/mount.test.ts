import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extLabel, findDevice } from "./mount";
import { readBytes } from "./testing";

const dir = mkdtempSync(join(tmpdir(), "aios-mount-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mke2fs = Bun.which("mke2fs", { PATH: `${process.env.PATH}:/usr/sbin:/sbin` });

test.skipIf(!mke2fs)("the repository disk is found by its ext4 label, whatever its device name", () => {
  mkdirSync(join(dir, "sys/vda"), { recursive: true });
  mkdirSync(join(dir, "sys/vdc"), { recursive: true });
  mkdirSync(join(dir, "dev"));
  const mk = (name: string, label: string) => {
    const r = Bun.spawnSync([mke2fs!, "-q", "-t", "ext4", "-L", label, "-F", join(dir, "dev", name), "2M"], { stderr: "pipe" });
    expect(r.exitCode).toBe(0);
  };
  mk("vda", "aios-data");
  mk("vdc", "aios-repo");
  expect(extLabel(readBytes(join(dir, "dev/vdc")))).toBe("aios-repo");
  expect(extLabel(new Uint8Array(4096))).toBeNull();
  expect(findDevice("LABEL=aios-repo", join(dir, "sys"), join(dir, "dev"))).toBe(join(dir, "dev/vdc"));
  expect(findDevice("LABEL=nothing", join(dir, "sys"), join(dir, "dev"))).toBeNull();
  expect(findDevice(join(dir, "dev/vda"))).toBe(join(dir, "dev/vda"));
});
