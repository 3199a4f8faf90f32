import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { linkUp } from "./libc";

// Changing a link needs CAP_NET_ADMIN; a fresh network namespace has its own lo, so the host's is never touched.
const inNetns = (sh: string) => Bun.spawnSync(["unshare", "-n", "sh", "-c", sh], { stderr: "pipe", stdout: "pipe" });
const canUnshare = process.getuid?.() === 0 && (() => {
  try {
    return inNetns("ip link set lo down").exitCode === 0;
  } catch {
    return false; // no unshare or ip on this host
  }
})();

describe("linkUp", () => {
  test("a missing interface is ENODEV, naming the link", () => {
    expect(() => linkUp("nosuch0")).toThrow("link nosuch0 up: ENODEV");
  });

  test("a name that does not fit IFNAMSIZ is refused before any call", () => {
    expect(() => linkUp("a-name-too-long-for-linux")).toThrow("link a-name-too-long-for-linux up: ENODEV");
    expect(() => linkUp("")).toThrow("link  up: ENODEV");
  });

  test.skipIf(!canUnshare)("brings a link up (a fresh network namespace's lo)", () => {
    const bun = process.execPath;
    const script = `import { linkUp } from ${JSON.stringify(join(import.meta.dir, "libc.ts"))}; linkUp("lo"); linkUp("lo");`;
    const r = inNetns(`ip link set lo down && ip -o link show lo && ${bun} -e '${script}' && ip -o link show lo`);
    const [before, after] = r.stdout.toString().trim().split("\n");
    expect(r.exitCode).toBe(0);
    expect(before).not.toMatch(/[<,]UP[,>]/);
    expect(after).toMatch(/<LOOPBACK,UP,LOWER_UP>/);
  });
});
