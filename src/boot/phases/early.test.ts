import { describe, expect, test } from "bun:test";
import { EARLY_MOUNTS, mountPoints } from "./early";

describe("mountPoints", () => {
  test("reads the targets of /proc/self/mounts, octal escapes decoded", () => {
    const text = "proc /proc proc rw,nosuid 0 0\nsysfs /sys sysfs rw 0 0\n/dev/vdb /var/lib/my\\040disk ext4 rw 0 0\n";
    expect([...mountPoints(text)]).toEqual(["/proc", "/sys", "/var/lib/my disk"]);
    expect(mountPoints("").size).toBe(0);
  });

  test("this host's own table has / in it, so a mounted target is looked up, not mounted again", () => {
    expect(mountPoints().has("/")).toBe(true);
    expect(EARLY_MOUNTS.map((m) => m.target)).toContain("/sys");
  });
});
