/** Contract fixtures for the user.* tools (see src/tools/contract.ts): real account files in the sandbox's /etc. */
import { expect } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type ContractEnv, defineFixtures } from "../contract.testing";

function accounts(t: ContractEnv, extra: { passwd?: string[]; group?: string[]; shadow?: string[] } = {}): void {
  const etc = t.host("/etc");
  writeFileSync(`${etc}/passwd`, ["root:x:0:0:root:/root:/bin/sh", "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin", ...(extra.passwd ?? [])].join("\n") + "\n");
  writeFileSync(`${etc}/group`, ["root:x:0:", "sudo:x:27:", "www-data:x:33:", ...(extra.group ?? [])].join("\n") + "\n");
  writeFileSync(`${etc}/shadow`, ["root:*:19000:0:99999:7:::", ...(extra.shadow ?? [])].join("\n") + "\n");
  chmodSync(`${etc}/shadow`, 0o640);
}

export const fixtures = defineFixtures({
  "user.create": {
    setup: (t) => accounts(t),
    args: { name: "alice", groups: ["sudo"], comment: "Alice" },
    invalid: [
      { args: { name: "Alice" }, field: "args.name" },
      { args: { name: "alice", uid: 0 }, field: "args.uid" },
      { args: { name: "alice", comment: "a:b" }, field: "args.comment" },
      { args: { name: "alice", home: "home/alice" }, field: "args.home" },
    ],
    verify: (r, t) => {
      expect(r).toMatchObject({ name: "alice", uid: 1000, gid: 1000, group: "alice", home: "/home/alice", homeCreated: true, line: "alice:x:1000:1000:Alice:/home/alice:/bin/sh" });
      expect(readFileSync(t.host("/etc/group"), "utf8")).toContain("sudo:x:27:alice\n");
      expect(readFileSync(t.host("/etc/shadow"), "utf8")).toMatch(/\nalice:!:\d+:0:99999:7:::\n$/);
    },
  },
  "user.delete": {
    setup: (t) => {
      accounts(t, { passwd: ["alice:x:1000:1000:Alice:/home/alice:/bin/sh"], group: ["alice:x:1000:"], shadow: ["alice:!:19000:0:99999:7:::"] });
      writeFileSync(t.host("/etc/group"), readFileSync(t.host("/etc/group"), "utf8").replace("sudo:x:27:", "sudo:x:27:alice"));
      mkdirSync(t.host("/home/alice/.config"), { recursive: true, mode: 0o750 });
      writeFileSync(t.host("/home/alice/.config/notes"), "keep me\n");
    },
    args: { name: "alice", removeHome: true },
    invalid: [
      { args: { name: "alice", removeHome: "yes" }, field: "args.removeHome" },
      { args: { name: "../root" }, field: "args.name" },
    ],
    verify: (r, t) => {
      expect(r).toEqual({ name: "alice", uid: 1000, groupRemoved: "alice", leftGroups: ["sudo"], homeRemoved: "/home/alice" });
      expect(readFileSync(t.host("/etc/passwd"), "utf8")).not.toContain("alice");
      expect(readFileSync(t.host("/etc/group"), "utf8")).toBe("root:x:0:\nsudo:x:27:\nwww-data:x:33:\n");
    },
  },
  "user.add_to_group": {
    setup: (t) => accounts(t, { passwd: ["alice:x:1000:1000::/home/alice:/bin/sh"], group: ["alice:x:1000:"], shadow: ["alice:!:19000:0:99999:7:::"] }),
    args: { user: "alice", group: "sudo" },
    invalid: [
      { args: { user: "alice" }, field: "args.group" },
      { args: { user: "Alice", group: "sudo" }, field: "args.user" },
    ],
    verify: (r, t) => {
      expect(r).toEqual({ user: "alice", group: "sudo", gid: 27, changed: true, members: ["alice"], primary: false });
      expect(readFileSync(t.host("/etc/group"), "utf8")).toContain("\nsudo:x:27:alice\n");
    },
  },
  "user.remove_from_group": {
    setup: (t) => {
      accounts(t, { passwd: ["alice:x:1000:1000::/home/alice:/bin/sh"], group: ["alice:x:1000:"] });
      writeFileSync(t.host("/etc/group"), readFileSync(t.host("/etc/group"), "utf8").replace("sudo:x:27:", "sudo:x:27:bob,alice"));
    },
    args: { user: "alice", group: "sudo" },
    invalid: [{ args: { user: "alice", group: "" }, field: "args.group" }],
    verify: (r, t) => {
      expect(r).toMatchObject({ changed: true, members: ["bob"] });
      expect(readFileSync(t.host("/etc/group"), "utf8")).toContain("\nsudo:x:27:bob\n");
    },
  },
  "user.lock": {
    setup: (t) => accounts(t, { passwd: ["alice:x:1000:1000::/home/alice:/bin/sh"], shadow: ["alice:$6$salt$hash:19000:0:99999:7:::"] }),
    args: { name: "alice" },
    invalid: [{ args: {}, field: "args.name" }],
    verify: (r, t) => {
      expect(r).toEqual({ name: "alice", uid: 1000, locked: true, changed: true, file: "shadow" });
      expect(readFileSync(t.host("/etc/shadow"), "utf8")).toContain("\nalice:!$6$salt$hash:19000:0:99999:7:::\n");
    },
  },
  "user.unlock": {
    setup: (t) => accounts(t, { passwd: ["alice:x:1000:1000::/home/alice:/bin/sh"], shadow: ["alice:!$6$salt$hash:19000:0:99999:7:::"] }),
    args: { name: "alice" },
    invalid: [{ args: { name: 7 }, field: "args.name" }],
    verify: (r, t) => {
      expect(r).toEqual({ name: "alice", uid: 1000, locked: false, changed: true, file: "shadow" });
      expect(readFileSync(t.host("/etc/shadow"), "utf8")).toContain("\nalice:$6$salt$hash:19000:0:99999:7:::\n");
    },
  },
  "user.list": {
    setup: (t) => accounts(t, { passwd: ["alice:x:1000:1000:Alice:/home/alice:/bin/sh"], group: ["alice:x:1000:"], shadow: ["alice:!:19000:0:99999:7:::"] }),
    args: {},
    invalid: [{ args: { system: "yes" }, field: "args.system" }, { args: { name: "Alice Smith" }, field: "args.name" }, { args: { group: "Sudo Users" }, field: "args.group" }, { args: { user: "alice" }, field: "args.user" }],
    verify: (r) => {
      expect(r.users.map((u: { name: string; locked: boolean | null }) => [u.name, u.locked])).toEqual([["root", false], ["alice", true]]);
      expect(r).toMatchObject({ total: 3, shadowRead: true });
    },
  },
  "user.sessions": {
    args: {},
    invalid: [{ args: { user: "alice" }, field: "args.user" }],
    verify: (r) => expect(r).toEqual({ recorded: false, source: null, sessions: [], bootTime: null }),
  },
});
