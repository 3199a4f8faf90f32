import { describe, expect, test } from "bun:test";
import type { Plan } from "../../plan";
import { unsafe, worldWritable } from "./safety";
import { FACTS } from "./testing";

const plan = (tool: string, args: Record<string, unknown>): Plan => ({ summary: "s", tasks: [{ id: "t", title: "t", calls: [{ tool, args }], dependsOn: [] }] });

describe("lines the planner never crosses", () => {
  test("secrets, boot files and aiOS's own state are never changed; secrets are not read", () => {
    expect(unsafe(plan("fs.write", { path: "/etc/shadow", content: "" }), FACTS)).toContain("protected");
    expect(unsafe(plan("fs.delete", { path: "/var/lib/aios/ledger/x" }), FACTS)).toContain("protected");
    expect(unsafe(plan("fs.write", { path: "/etc/sudoers.d/x", content: "" }), FACTS)).toContain("protected");
    expect(unsafe(plan("fs.read", { path: "/etc/shadow" }), FACTS)).toContain("holds secrets");
    expect(unsafe(plan("fs.read", { path: "/etc/aios/config.toml" }), FACTS)).toBeNull();
    expect(unsafe(plan("fs.write", { path: "/etc/motd", content: "" }), FACTS)).toBeNull();
  });

  test("system directories are not deleted, moved or re-permissioned; nothing is made world-writable", () => {
    expect(unsafe(plan("fs.delete", { path: "/", recursive: true }), FACTS)).toContain("system directory");
    expect(unsafe(plan("fs.move", { from: "/usr", to: "/x" }), FACTS)).toContain("system directory");
    expect(unsafe(plan("fs.delete", { path: "/etc/nginx", recursive: true }), FACTS)).toBeNull();
    expect(unsafe(plan("fs.chmod", { path: "/srv/x", mode: "0777" }), FACTS)).toContain("writable by every user");
    expect(unsafe(plan("fs.chmod", { path: "/etc", mode: "0700" }), FACTS)).toContain("system directory");
    expect(unsafe(plan("fs.chmod", { path: "/srv/www", mode: "0755" }), FACTS)).toBeNull();
    expect([worldWritable("0666"), worldWritable("0644"), worldWritable("o+w"), worldWritable("+w"), worldWritable("u+w")]).toEqual([true, false, true, true, false]);
  });

  test("PID 1, root, and the API's own port", () => {
    expect(unsafe(plan("process.kill", { pid: 1 }), FACTS)).toContain("PID 1");
    expect(unsafe(plan("user.delete", { name: "root" }), FACTS)).toContain("root is never deleted");
    expect(unsafe(plan("firewall.close", { port: FACTS.apiPort }), FACTS)).toContain("lock you out");
    expect(unsafe(plan("firewall.close", { port: 23 }), FACTS)).toBeNull();
  });
});
