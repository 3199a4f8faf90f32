import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { mounts } from "../../sys";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { monitorDisk, realMounts, usageOf } from "./disk";

const t = makeEnv();
afterAll(() => t.cleanup());
const vm = { ...t.env, root: "/" }; // as in the VM: guest paths are host paths

describe("usageOf and realMounts", () => {
  const m = { device: "/dev/vda", mountpoint: "/", fstype: "ext4", options: ["ro", "relatime"] };
  test("df's arithmetic on a statfs record", () => {
    // 1000 blocks of 4 KiB, 400 free of which 350 available to non-root; 100 inodes, 25 free
    const u = usageOf(m, { bsize: 4096, blocks: 1000, bfree: 400, bavail: 350, files: 100, ffree: 25 });
    expect(u).toEqual({
      mountpoint: "/", device: "/dev/vda", fstype: "ext4", readOnly: true,
      sizeBytes: 1000 * 4096, usedBytes: 600 * 4096, availableBytes: 350 * 4096, usedPercent: 63.2,
      inodes: { total: 100, used: 75, free: 25, usedPercent: 75 },
    });
  });
  test("an empty filesystem (ramfs reports zeros) is 0%, not NaN", () => {
    expect(usageOf(m, { bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 })).toMatchObject({ usedPercent: 0, inodes: { usedPercent: 0 } });
  });
  test("pseudo filesystems are dropped, and a later mount on the same point wins", () => {
    const list = [
      { device: "proc", mountpoint: "/proc", fstype: "proc", options: [] },
      { device: "/dev/vda", mountpoint: "/data", fstype: "ext4", options: [] },
      { device: "cgroup2", mountpoint: "/sys/fs/cgroup", fstype: "cgroup2", options: [] },
      { device: "tmpfs", mountpoint: "/data", fstype: "tmpfs", options: [] },
    ];
    expect(realMounts(list)).toEqual([{ device: "tmpfs", mountpoint: "/data", fstype: "tmpfs", options: [] }]);
  });
});

describe("monitor.disk on this host", () => {
  test("/ has a size, and its figures match statfs", async () => {
    const r = await call(monitorDisk, { path: "/" }, makeCtx(vm));
    expect(r.path).toBe("/");
    expect(r.filesystems).toHaveLength(1);
    const fs = r.filesystems[0]!;
    expect(fs.mountpoint).toBe("/");
    expect(fs.sizeBytes).toBeGreaterThan(0);
    expect(fs.usedPercent).toBeGreaterThanOrEqual(0);
    expect(fs.usedPercent).toBeLessThanOrEqual(100);
    const st = statfsSync("/");
    expect(fs.sizeBytes).toBe(st.blocks * st.bsize);
    expect(() => checkOutput(monitorDisk, r)).not.toThrow();
  });

  test("every real mount, no pseudo filesystems", async () => {
    const r = await call(monitorDisk, {}, makeCtx(vm));
    expect(r.filesystems.some((f) => f.mountpoint === "/")).toBe(true);
    for (const f of r.filesystems) expect(["proc", "sysfs", "devtmpfs", "cgroup", "cgroup2", "devpts"]).not.toContain(f.fstype);
    expect(r.filesystems.length + r.skipped.length).toBe(realMounts(mounts()).length);
  });

  test("in dev mode a path resolves under the sandbox root", async () => {
    mkdirSync(join(t.root, "srv/data"), { recursive: true });
    const r = await call(monitorDisk, { path: "/srv/data" }, makeCtx(t.env));
    expect(r.path).toBe("/srv/data");
    expect(r.filesystems[0]!.sizeBytes).toBe(statfsSync(t.root).blocks * statfsSync(t.root).bsize);
    await expect(call(monitorDisk, { path: "/no/such/dir" }, makeCtx(t.env))).rejects.toThrow("monitor.disk /no/such/dir: no such file or directory");
  });

  test("path is checked", () => {
    expect(() => parseArgs(monitorDisk, { path: "relative" })).toThrow("args.path: must be an absolute path");
    expect(() => parseArgs(monitorDisk, { path: "/srv/../.." })).toThrow("args.path: must not contain .. segments");
    expect(() => parseArgs(monitorDisk, { path: "" })).toThrow("args.path: must not be empty");
  });
});
