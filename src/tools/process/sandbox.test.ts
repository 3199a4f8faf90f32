import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { sandboxFor, wrapArgv } from "./sandbox";
import { processSpawn } from "./spawn";

const t = makeEnv();
afterAll(() => t.cleanup());
writeFileSync(join(t.root, "etc/passwd"), "root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\nbob:x:1000:1000::/home/bob:/bin/sh\n");
const settings = {
  spawn: { user: "", no_new_privs: true, namespaces: [], limits: { nofile: 64, core_mb: 0 } },
  agents: { dev: { user: "nobody", namespaces: ["mount", "pid"] as const, limits: { as_mb: 512 } } },
};
const env = { ...t.env, sandbox: settings };
const vm = { ...env, mode: "pid1" as const };

describe("the spawn sandbox (issue 11)", () => {
  test("[security.spawn] with the agent's table on top, key by key; the declared user within it", () => {
    expect(sandboxFor(env, "process.spawn", "system", undefined)).toEqual({ noNewPrivs: true, namespaces: [], limits: { nofile: 64, core_mb: 0 } });
    expect(sandboxFor(env, "process.spawn", "system", "bob")).toMatchObject({ uid: 1000, gid: 1000 });
    expect(sandboxFor(env, "process.spawn", "dev", undefined)).toEqual({ uid: 65534, gid: 65534, noNewPrivs: true, namespaces: ["mount", "pid"], limits: { nofile: 64, core_mb: 0, as_mb: 512 } });
    expect(sandboxFor(env, "process.spawn", "dev", "65534:65534")).toMatchObject({ uid: 65534 });
    expect(() => sandboxFor(env, "process.spawn", "dev", "bob")).toThrow("agent dev runs processes as nobody");
    expect(() => sandboxFor(env, "process.spawn", "dev", "0")).toThrow("may not ask for another user");
    expect(() => sandboxFor(env, "process.spawn", "system", "nosuch")).toThrow("process.spawn nosuch: no such user");
  });

  test("in the VM: a BusyBox wrapper, limits first (as root), namespaces, then the user, then no_new_privs", () => {
    const w = wrapArgv(vm, ["/bin/cat", "/proc/self/status"], sandboxFor(vm, "process.spawn", "dev", undefined));
    expect(w.argv).toEqual([
      "/bin/sh", "-c", 'ulimit -n 64 && ulimit -c 0 && ulimit -v 524288 && exec "$0" "$@"',
      "/usr/bin/unshare", "-m", "-p", "-f", "--mount-proc",
      "/usr/bin/nsenter", "-S", "65534", "-G", "65534",
      "/bin/setpriv", "--nnp",
      "/bin/cat", "/proc/self/status",
    ]);
    expect(w.applied).toBe("uid 65534 gid 65534, no_new_privs, nofile=64 core_mb=0 as_mb=512, namespaces mount pid");
  });

  test("in dev mode nothing is applied, and the result says so", async () => {
    const r = await call(processSpawn, { argv: ["/bin/echo", "hi"] }, makeCtx(env));
    expect(r.stdout).toBe("hi\n");
    expect(r.sandbox).toBe("not applied (dev mode runs no sandbox; in the VM: as aios-init, no_new_privs, nofile=64 core_mb=0)");
    await expect(call(processSpawn, { argv: ["/bin/echo"], user: "bob" }, Object.assign(makeCtx(env), { agent: "dev" }))).rejects.toThrow("agent dev runs processes as nobody");
  });
});
