import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { call, makeCtx, makeEnv, type TestEnv, tree, undo } from "../fs/testing";
import { checkOutput } from "../schema";
import { userCreate, userDelete } from "./index";

let t: TestEnv;
const ctx = () => makeCtx(t.env);
const etc = (f: string) => join(t.root, "etc", f);
const read = (f: string) => readFileSync(etc(f), "utf8");

beforeEach(() => {
  t = makeEnv(["/etc", "/home", "/srv"]);
  writeFileSync(etc("passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nbob:x:1000:1000::/home/bob:/bin/sh\n");
  writeFileSync(etc("group"), "root:x:0:\nsudo:x:27:bob\nadm:x:4:\nbob:x:1000:\nnogroup:x:65534:\n");
  writeFileSync(etc("shadow"), "root:*:19000:0:99999:7:::\nbob:!:19000:0:99999:7:::\n");
  writeFileSync(etc("gshadow"), "root:*::\nsudo:*::bob\nadm:*::\nbob:!::\n");
  chmodSync(etc("shadow"), 0o640);
});
afterEach(() => t.cleanup());

describe("user.create", () => {
  test("makes passwd, shadow, group and gshadow entries, joins groups and makes the home; undo restores every file exactly", async () => {
    const before = tree(t.root);
    const c = ctx();
    const r = await call(userCreate, { name: "alice", groups: ["sudo", "adm"], comment: "Alice Liddell" }, c);
    expect(r).toEqual({ name: "alice", uid: 1001, gid: 1001, group: "alice", groups: ["sudo", "adm"], home: "/home/alice", shell: "/bin/sh", homeCreated: true, line: "alice:x:1001:1001:Alice Liddell:/home/alice:/bin/sh" });
    expect(() => checkOutput(userCreate, r)).not.toThrow();
    expect(read("passwd").endsWith("alice:x:1001:1001:Alice Liddell:/home/alice:/bin/sh\n")).toBe(true);
    expect(read("group")).toBe("root:x:0:\nsudo:x:27:bob,alice\nadm:x:4:alice\nbob:x:1000:\nnogroup:x:65534:\nalice:x:1001:\n");
    expect(read("gshadow")).toBe("root:*::\nsudo:*::bob,alice\nadm:*::alice\nbob:!::\nalice:!::\n");
    expect(read("shadow")).toMatch(/\nalice:!:\d+:0:99999:7:::\n$/);
    expect(statSync(etc("shadow")).mode & 0o777).toBe(0o640);
    expect(statSync(join(t.root, "home/alice")).mode & 0o777).toBe(0o750);
    await undo(userCreate, c);
    expect(tree(t.root)).toEqual(before);
  });

  test("the home passes the fs confinement: no escape, no protected place, nothing outside the roots (issue 11)", async () => {
    mkdirSync(join(t.root, "home/link"), { recursive: true });
    const before = tree(t.dir);
    await expect(call(userCreate, { name: "eve", home: "/../../../../somewhere" }, ctx())).rejects.toThrow("must be a plain absolute path");
    await expect(call(userCreate, { name: "eve", home: "/opt/eve" }, ctx())).rejects.toThrow("user.create /opt/eve: outside the allowed roots");
    await expect(call(userCreate, { name: "eve", home: "/etc/aios/eve" }, ctx())).rejects.toThrow("is protected");
    await expect(call(userCreate, { name: "eve", home: "/home/link/../../../x" }, ctx())).rejects.toThrow("must be a plain absolute path");
    expect(tree(t.dir)).toEqual(before);
    expect(read("passwd")).not.toContain("eve");
  });

  test("system accounts take ids from 100-999 and get no home; an existing primary group can be named", async () => {
    const sys = await call(userCreate, { name: "svc", system: true, shell: "/usr/sbin/nologin" }, ctx());
    expect(sys).toMatchObject({ uid: 100, gid: 100, home: "/nonexistent", homeCreated: false });
    const inAdm = await call(userCreate, { name: "carol", group: "adm", home: "/srv/carol/home" }, ctx());
    expect(inAdm).toMatchObject({ uid: 1001, gid: 4, group: "adm", homeCreated: true });
    expect(read("group")).not.toContain("carol:");
    expect(existsSync(join(t.root, "srv/carol/home"))).toBe(true);
  });

  test("undo of a create removes only its own lines, leaving a later account alone", async () => {
    const c = ctx();
    await call(userCreate, { name: "alice" }, c);
    await call(userCreate, { name: "dave", groups: ["sudo"] }, ctx());
    await undo(userCreate, c);
    expect(read("passwd")).not.toContain("alice");
    expect(read("passwd")).toContain("dave:x:1002:1002:");
    expect(read("group")).toContain("sudo:x:27:bob,dave\n");
  });

  test("refuses an existing user, a taken uid, a missing group, and a group that has the user's name", async () => {
    await expect(call(userCreate, { name: "bob" }, ctx())).rejects.toThrow("user.create bob: already exists (uid 1000)");
    await expect(call(userCreate, { name: "eve", uid: 1000 }, ctx())).rejects.toThrow("uid 1000 belongs to bob");
    await expect(call(userCreate, { name: "eve", groups: ["wheel"] }, ctx())).rejects.toThrow("supplementary group wheel does not exist");
    await expect(call(userCreate, { name: "adm" }, ctx())).rejects.toThrow("a group named adm exists");
    expect(read("passwd")).not.toContain("eve");
  });
});

describe("user.delete", () => {
  test("removes the account, its memberships and private group, and (asked) its home; undo puts it all back", async () => {
    mkdirSync(join(t.root, "home/bob/docs"), { recursive: true });
    writeFileSync(join(t.root, "home/bob/docs/a.txt"), "hello");
    const before = tree(t.root);
    const c = ctx();
    const r = await call(userDelete, { name: "bob", removeHome: true }, c);
    expect(r).toEqual({ name: "bob", uid: 1000, groupRemoved: "bob", leftGroups: ["sudo"], homeRemoved: "/home/bob" });
    expect(read("passwd")).not.toContain("bob");
    expect(read("group")).toBe("root:x:0:\nsudo:x:27:\nadm:x:4:\nnogroup:x:65534:\n");
    expect(read("gshadow")).toBe("root:*::\nsudo:*::\nadm:*::\n");
    expect(existsSync(join(t.root, "home/bob"))).toBe(false);
    await undo(userDelete, c);
    expect(tree(t.root)).toEqual(before);
  });

  test("keeps the home unless asked, and a group someone else uses", async () => {
    writeFileSync(etc("passwd"), `${read("passwd")}carl:x:1001:1000::/home/carl:/bin/sh\n`);
    mkdirSync(join(t.root, "home/bob"), { recursive: true });
    const r = await call(userDelete, { name: "bob" }, ctx());
    expect(r).toMatchObject({ groupRemoved: null, homeRemoved: null });
    expect(read("group")).toContain("bob:x:1000:");
    expect(existsSync(join(t.root, "home/bob"))).toBe(true);
  });

  test("refuses root, system accounts without system: true, unknown users and a home that is not its own", async () => {
    await expect(call(userDelete, { name: "root", system: true }, ctx())).rejects.toThrow("uid 0 is root; refusing");
    await expect(call(userDelete, { name: "nobody" }, ctx())).rejects.toThrow("is a system account (uid 65534); set system to delete it");
    await expect(call(userDelete, { name: "zed" }, ctx())).rejects.toThrow("user.delete zed: no such user");
    writeFileSync(etc("passwd"), `${read("passwd")}odd:x:1005:1005::/srv:/bin/sh\n`);
    await expect(call(userDelete, { name: "odd", removeHome: true }, ctx())).rejects.toThrow("home /srv is not a directory of its own");
    expect(read("passwd")).toContain("odd:");
  });
});
