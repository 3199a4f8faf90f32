import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UTMP_RECORD_SIZE } from "../../sys";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { checkOutput } from "../schema";
import { userList } from "./list";
import { userLock } from "./lock";
import { userSessions } from "./sessions";

const t = makeEnv(["/etc", "/home"]);
afterAll(() => t.cleanup());
const etc = (name: string, lines: string[]) => writeFileSync(join(t.root, "etc", name), `${lines.join("\n")}\n`);

describe("user.list", () => {
  beforeEach(() => {
    etc("passwd", [
      "root:x:0:0:root:/root:/bin/sh",
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
      "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
      "alice:x:1000:1000:Alice Liddell,,,:/home/alice:/bin/sh",
      "bob:x:1001:100::/home/bob:/bin/sh",
      "nobody:x:65534:65534:nobody:/nonexistent:/bin/false",
    ]);
    etc("group", ["root:x:0:", "daemon:x:1:", "www-data:x:33:", "sudo:x:27:alice", "adm:x:4:alice,bob", "users:x:100:", "alice:x:1000:", "nogroup:x:65534:"]);
    etc("shadow", ["root:*:19000:0:99999:7:::", "alice:$y$j9T$abc:19000:0:99999:7:::", "bob:!$y$j9T$def:19000:0:99999:7:::"]);
  });

  test("root and people by default, with primary and supplementary groups and the lock from shadow", async () => {
    const r = await call(userList, {}, makeCtx(t.env));
    expect(() => checkOutput(userList, r)).not.toThrow();
    expect(r).toEqual({
      users: [
        { name: "root", uid: 0, gid: 0, group: "root", groups: [], gecos: "root", home: "/root", shell: "/bin/sh", locked: false, system: false },
        { name: "alice", uid: 1000, gid: 1000, group: "alice", groups: ["sudo", "adm"], gecos: "Alice Liddell,,,", home: "/home/alice", shell: "/bin/sh", locked: false, system: false },
        { name: "bob", uid: 1001, gid: 100, group: "users", groups: ["adm"], gecos: "", home: "/home/bob", shell: "/bin/sh", locked: true, system: false },
      ],
      total: 6,
      shadowRead: true,
    });
    expect(userList.summarize!(r, { system: false })).toBe("3 user accounts: root (uid 0, groups root), alice (uid 1000, groups alice, sudo, adm), bob (uid 1001, groups users, adm, locked)");
  });

  test("system: true adds service accounts and nobody; a user without a shadow line has locked null", async () => {
    etc("shadow", ["root:*:19000:0:99999:7:::"]);
    const r = await call(userList, { system: true }, makeCtx(t.env));
    expect(r.users.map((u) => [u.name, u.system, u.locked])).toEqual([
      ["root", false, false], ["daemon", true, null], ["www-data", true, null], ["alice", false, null], ["bob", false, null], ["nobody", true, null],
    ]);
  });

  test("no shadow file: the lock read from passwd where the hash lives there, else unknown; no regular users said plainly", async () => {
    rmSync(join(t.root, "etc/shadow"));
    etc("passwd", ["root:x:0:0:root:/root:/bin/sh", "carol:!$6$salt$hash:1002:1002::/home/carol:/bin/sh", "dave:$6$salt$hash:1003:1003::/home/dave:/bin/sh"]);
    const r = await call(userList, {}, makeCtx(t.env));
    expect(r.users.map((u) => [u.name, u.locked])).toEqual([["root", null], ["carol", true], ["dave", false]]);
    expect(r.shadowRead).toBe(false);
    etc("passwd", ["daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin"]);
    const none = await call(userList, {}, makeCtx(t.env));
    expect(none).toEqual({ users: [], total: 1, shadowRead: false });
    expect(userList.summarize!(none, { system: false })).toBe("No regular user accounts (1 system accounts; system: true lists them).");
  });

  test("name: that account alone, system or not, with its groups in words; an unknown name is said so", async () => {
    const alice = await call(userList, { name: "alice" }, makeCtx(t.env));
    expect(alice.users.map((u) => u.name)).toEqual(["alice"]);
    expect(userList.summarize!(alice, { system: false, name: "alice" })).toBe("alice (uid 1000) is in groups alice, sudo, adm (sudo: may run commands as root).");
    const www = await call(userList, { name: "www-data" }, makeCtx(t.env));
    expect(userList.summarize!(www, { system: false, name: "www-data" })).toBe("www-data (uid 33, a system account) is in group www-data.");
    const ghost = await call(userList, { name: "ghost" }, makeCtx(t.env));
    expect(ghost).toEqual({ users: [], total: 6, shadowRead: true });
    expect(userList.summarize!(ghost, { system: false, name: "ghost" })).toBe("No account named ghost.");
  });

  test("group: its members, system accounts and primary members included; an unknown group is an error naming it", async () => {
    const adm = await call(userList, { group: "adm" }, makeCtx(t.env));
    expect(() => checkOutput(userList, adm)).not.toThrow();
    expect(adm.users.map((u) => u.name)).toEqual(["alice", "bob"]);
    expect(userList.summarize!(adm, { system: false, group: "adm" })).toBe("2 members of group adm: alice (uid 1000), bob (uid 1001, locked).");
    const www = await call(userList, { group: "www-data" }, makeCtx(t.env));
    expect(userList.summarize!(www, { system: false, group: "www-data" })).toBe("1 member of group www-data: www-data (uid 33, its primary group).");
    const sudo = await call(userList, { group: "sudo" }, makeCtx(t.env));
    expect(userList.summarize!(sudo, { system: false, group: "sudo" })).toBe("1 member of group sudo (may run commands as root): alice (uid 1000).");
    const daemon = await call(userList, { group: "nogroup" }, makeCtx(t.env));
    expect(daemon.users.map((u) => u.name)).toEqual(["nobody"]);
    const none = await call(userList, { group: "alice", name: "bob" }, makeCtx(t.env));
    expect(none.users).toEqual([]);
    await expect(call(userList, { group: "wheel" }, makeCtx(t.env))).rejects.toMatchObject({ code: "unknown_group", message: "user.list wheel: no such group" });
  });

  test("user.lock's change shows at once", async () => {
    expect((await call(userList, {}, makeCtx(t.env))).users.find((u) => u.name === "alice")?.locked).toBe(false);
    await call(userLock, { name: "alice" }, makeCtx(t.env));
    expect((await call(userList, {}, makeCtx(t.env))).users.find((u) => u.name === "alice")?.locked).toBe(true);
  });

  test("this host's accounts parse", async () => {
    const env = { ...t.env, root: "/" };
    const r = await call(userList, { system: true }, makeCtx(env));
    expect(r.users.find((u) => u.uid === 0)?.name).toBe("root");
  });
});

/** One utmp record in glibc's x86_64 layout (see src/sys/utmp.ts). */
function record(type: number, pid: number, line: string, user: string, host: string, sec: number): Buffer {
  const b = Buffer.alloc(UTMP_RECORD_SIZE);
  b.writeInt16LE(type, 0);
  b.writeInt32LE(pid, 4);
  b.write(line, 8, 32);
  b.write(user, 44, 32);
  b.write(host, 76, 256);
  b.writeInt32LE(sec, 340);
  return b;
}

describe("user.sessions", () => {
  test("no utmp: says nothing records logins, not that nobody is logged in", async () => {
    const r = await call(userSessions, {}, makeCtx(t.env));
    expect(r).toEqual({ recorded: false, source: null, sessions: [], bootTime: null });
    expect(userSessions.summarize!(r, {})).toBe("No login records on this system (no /run/utmp or /var/run/utmp): nothing here writes utmp, so who is logged in cannot be told.");
  });

  test("logins from utmp, live and stale; the boot record", async () => {
    mkdirSync(join(t.root, "run"), { recursive: true });
    const at = Math.floor(Date.now() / 1000) - 60;
    writeFileSync(
      join(t.root, "run/utmp"),
      Buffer.concat([
        record(2, 0, "~", "reboot", "6.1.0", at - 3600),
        record(6, 77, "ttyS1", "LOGIN", "", at), // a getty waiting: not a session
        record(7, process.pid, "ttyS0", "alice", "", at),
        record(7, 4_194_304, "pts/0", "bob", "192.0.2.7", at), // its pid cannot exist: stale
      ]),
    );
    try {
      const r = await call(userSessions, {}, makeCtx(t.env));
      expect(() => checkOutput(userSessions, r)).not.toThrow();
      expect(r).toEqual({
        recorded: true,
        source: "/run/utmp",
        sessions: [
          { user: "alice", line: "ttyS0", host: null, since: new Date(at * 1000).toISOString(), pid: process.pid, alive: true },
          { user: "bob", line: "pts/0", host: "192.0.2.7", since: new Date(at * 1000).toISOString(), pid: 4_194_304, alive: false },
        ],
        bootTime: new Date((at - 3600) * 1000).toISOString(),
      });
      expect(userSessions.summarize!(r, {})).toMatch(/^alice on ttyS0 since (\d{4}-\d\d-\d\d )?\d\d:\d\d \(1 stale record of ended logins\)$/);
      expect(userSessions.summarize!({ ...r, sessions: [r.sessions[1]!] }, {})).toBe("No one is logged in (1 stale record of ended logins).");
    } finally {
      rmSync(join(t.root, "run/utmp"));
    }
  });
});
