import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { call, makeCtx, makeEnv, type TestEnv, tree, undo } from "../fs/testing";
import { checkOutput } from "../schema";
import { userAddToGroup, userLock, userRemoveFromGroup, userUnlock } from "./index";

let t: TestEnv;
const ctx = () => makeCtx(t.env);
const etc = (f: string) => join(t.root, "etc", f);
const read = (f: string) => readFileSync(etc(f), "utf8");

beforeEach(() => {
  t = makeEnv(["/etc"]);
  writeFileSync(etc("passwd"), "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\ncarol:x:1001:1001::/home/carol:/bin/sh\nold:$1$x$y:1002:1002::/home/old:/bin/sh\n");
  writeFileSync(etc("group"), "root:x:0:\nsudo:x:27:carol\nadm:x:4:\nbob:x:1000:\ncarol:x:1001:\n");
  writeFileSync(etc("shadow"), "root:$6$r$root:19000:0:99999:7:::\nbob:$6$s$hash:19000:0:99999:7:::\ncarol:!:19000:0:99999:7:::\n");
  writeFileSync(etc("gshadow"), "root:*::\nsudo:*:carol:carol\nadm:*::\nbob:!::\ncarol:!::\n");
  chmodSync(etc("shadow"), 0o640);
  chmodSync(etc("gshadow"), 0o640);
});
afterEach(() => t.cleanup());

describe("user.add_to_group / user.remove_from_group", () => {
  test("adding changes group and gshadow; undo restores both byte for byte, mode kept", async () => {
    const before = tree(t.root);
    const c = ctx();
    const r = await call(userAddToGroup, { user: "bob", group: "sudo" }, c);
    expect(r).toEqual({ user: "bob", group: "sudo", gid: 27, changed: true, members: ["carol", "bob"], primary: false });
    expect(() => checkOutput(userAddToGroup, r)).not.toThrow();
    expect(read("group")).toBe("root:x:0:\nsudo:x:27:carol,bob\nadm:x:4:\nbob:x:1000:\ncarol:x:1001:\n");
    // gshadow's admins field stays; its member list follows /etc/group's.
    expect(read("gshadow")).toBe("root:*::\nsudo:*:carol:carol,bob\nadm:*::\nbob:!::\ncarol:!::\n");
    expect(statSync(etc("gshadow")).mode & 0o777).toBe(0o640);
    expect(userAddToGroup.summarize!(r, { user: "bob", group: "sudo" })).toBe("bob is now a member of sudo (gid 27)");
    await undo(userAddToGroup, c);
    expect(tree(t.root)).toEqual(before);
  });

  test("undo takes back only its own line: a later change to another group stays", async () => {
    const c = ctx();
    await call(userAddToGroup, { user: "bob", group: "sudo" }, c);
    await call(userAddToGroup, { user: "bob", group: "adm" }, ctx());
    await undo(userAddToGroup, c);
    expect(read("group")).toBe("root:x:0:\nsudo:x:27:carol\nadm:x:4:bob\nbob:x:1000:\ncarol:x:1001:\n");
  });

  test("already a member (listed, or by primary group) changes nothing and saves no undo", async () => {
    const c = ctx();
    const r = await call(userAddToGroup, { user: "carol", group: "sudo" }, c);
    expect(r).toMatchObject({ changed: false, members: ["carol"] });
    const p = await call(userAddToGroup, { user: "bob", group: "bob" }, c);
    expect(p).toMatchObject({ changed: false, primary: true });
    expect(userAddToGroup.summarize!(p, { user: "bob", group: "bob" })).toBe("bob was already a member of bob (its primary group); nothing changed");
    expect(c.record).toBeUndefined();
    expect(read("group")).toContain("\nbob:x:1000:\n");
  });

  test("removing drops the member in both files; undo puts it back", async () => {
    const before = tree(t.root);
    const c = ctx();
    const r = await call(userRemoveFromGroup, { user: "carol", group: "sudo" }, c);
    expect(r).toMatchObject({ changed: true, members: [] });
    expect(read("group")).toContain("\nsudo:x:27:\n");
    expect(read("gshadow")).toContain("\nsudo:*:carol:\n");
    await undo(userRemoveFromGroup, c);
    expect(tree(t.root)).toEqual(before);
    expect((await call(userRemoveFromGroup, { user: "bob", group: "adm" }, ctx())).changed).toBe(false);
  });

  test("unknown user or group and the primary group are refused with stable codes naming the object", async () => {
    const before = tree(t.root);
    const err = async (p: Promise<unknown>) => p.then(() => { throw new Error("succeeded"); }, (e) => ({ code: e.code, message: e.message }));
    expect(await err(call(userAddToGroup, { user: "zed", group: "sudo" }, ctx()))).toEqual({ code: "unknown_user", message: "user.add_to_group zed: no such user" });
    expect(await err(call(userAddToGroup, { user: "bob", group: "wheel" }, ctx()))).toEqual({ code: "unknown_group", message: "user.add_to_group wheel: no such group (creating groups is a separate change)" });
    expect((await err(call(userRemoveFromGroup, { user: "bob", group: "bob" }, ctx()))).code).toBe("primary_group");
    expect(tree(t.root)).toEqual(before);
  });

  test("without gshadow only /etc/group changes", async () => {
    rmSync(etc("gshadow"));
    await call(userAddToGroup, { user: "bob", group: "adm" }, ctx());
    expect(read("group")).toContain("\nadm:x:4:bob\n");
    expect(tree(t.root)["etc/gshadow"]).toBeUndefined();
  });
});

describe("user.lock / user.unlock", () => {
  test("lock puts ! before the hash; unlock takes it away; each undo restores the line exactly", async () => {
    const before = tree(t.root);
    const c = ctx();
    const r = await call(userLock, { name: "bob" }, c);
    expect(r).toEqual({ name: "bob", uid: 1000, locked: true, changed: true, file: "shadow" });
    expect(() => checkOutput(userLock, r)).not.toThrow();
    expect(read("shadow")).toContain("\nbob:!$6$s$hash:19000:0:99999:7:::\n");
    expect(userLock.summarize!(r, { name: "bob" })).toBe("Locked bob's password (uid 1000); password logins now fail");
    const again = await call(userLock, { name: "bob" }, ctx());
    expect(again.changed).toBe(false);
    const u = ctx();
    expect(await call(userUnlock, { name: "bob" }, u)).toMatchObject({ locked: false, changed: true });
    expect(tree(t.root)).toEqual(before);
    await undo(userUnlock, u);
    expect(read("shadow")).toContain("\nbob:!$6$s$hash:");
    await undo(userLock, c);
    expect(tree(t.root)).toEqual(before);
  });

  test("root is never locked; unlocking a password-less account is refused; unknown users are named", async () => {
    const before = tree(t.root);
    await expect(call(userLock, { name: "root" }, ctx())).rejects.toMatchObject({ code: "refused", message: expect.stringContaining("user.lock root: uid 0 is root") });
    await expect(call(userUnlock, { name: "carol" }, ctx())).rejects.toMatchObject({ code: "no_password", message: expect.stringContaining("user.unlock carol: has no password") });
    await expect(call(userLock, { name: "zed" }, ctx())).rejects.toMatchObject({ code: "unknown_user", message: "user.lock zed: no such user" });
    expect(tree(t.root)).toEqual(before);
  });

  test("an account whose hash is in /etc/passwd is locked there; one with x but no shadow line is refused", async () => {
    const c = ctx();
    expect(await call(userLock, { name: "old" }, c)).toMatchObject({ file: "passwd", changed: true });
    expect(read("passwd")).toContain("\nold:!$1$x$y:1002:");
    await undo(userLock, c);
    expect(read("passwd")).toContain("\nold:$1$x$y:1002:");
    writeFileSync(etc("shadow"), "root:*:19000:0:99999:7:::\n");
    await expect(call(userLock, { name: "bob" }, ctx())).rejects.toMatchObject({ code: "no_shadow_entry" });
  });
});
