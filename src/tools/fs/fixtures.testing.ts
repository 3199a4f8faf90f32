/** Contract fixtures for the fs.* tools (see src/tools/contract.ts). */
import { expect } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { defineFixtures } from "../contract.testing";
import type { ContractEnv } from "../contract.testing";

function conf(t: ContractEnv): void {
  mkdirSync(t.host("/srv/app/conf.d"), { recursive: true });
  writeFileSync(t.host("/srv/app/app.conf"), "listen 80\n");
  chmodSync(t.host("/srv/app/app.conf"), 0o640);
  writeFileSync(t.host("/srv/app/conf.d/extra.conf"), "gzip on\n");
  symlinkSync("app.conf", t.host("/srv/app/current"));
}

export const fixtures = defineFixtures({
  "fs.read": {
    args: { path: "/srv/app/app.conf" },
    invalid: [
      { args: { path: "srv/app/app.conf" }, field: "args.path" },
      { args: { path: "/srv/app/app.conf", encoding: "latin1" }, field: "args.encoding" },
    ],
    setup: conf,
    verify: (r) => expect(r).toMatchObject({ content: "listen 80\n", size: 10, truncated: false }),
  },
  "fs.write": {
    args: { path: "/srv/app/app.conf", content: "listen 8080\n", mode: "0600" },
    invalid: [
      { args: { path: "/srv/x", content: 1 }, field: "args.content" },
      { args: { path: "/srv/x", content: "", mode: "644x" }, field: "args.mode" },
    ],
    setup: conf,
    verify: (_r, t) => {
      expect(readFileSync(t.host("/srv/app/app.conf"), "utf8")).toBe("listen 8080\n");
      expect(lstatSync(t.host("/srv/app/app.conf")).mode & 0o777).toBe(0o600);
    },
  },
  "fs.append": {
    args: { path: "/srv/app/app.conf", content: "gzip on\n" },
    invalid: [{ args: { path: "/srv/app/app.conf" }, field: "args.content" }],
    setup: conf,
    verify: (r) => expect(r).toMatchObject({ bytes: 8, size: 18 }),
  },
  "fs.list": {
    args: { path: "/srv/app", recursive: true },
    invalid: [{ args: { path: "/srv/app", limit: 0 }, field: "args.limit" }],
    setup: conf,
    verify: (r) => expect(r.entries.map((e: { path: string }) => e.path)).toEqual(["/srv/app/app.conf", "/srv/app/conf.d", "/srv/app/current", "/srv/app/conf.d/extra.conf"]),
  },
  "fs.stat": {
    args: { path: "/srv/app/current" },
    invalid: [{ args: { path: "/srv/app/current", follow: "yes" }, field: "args.follow" }],
    setup: conf,
    verify: (r) => expect(r).toMatchObject({ exists: true, type: "symlink", target: "app.conf" }),
  },
  "fs.mkdir": {
    args: { path: "/srv/data/cache/tiles", parents: true, mode: "0750" },
    invalid: [{ args: { path: "/srv/data", mode: 755 }, field: "args.mode" }],
    verify: (r) => expect(r.created).toEqual(["/srv/data", "/srv/data/cache", "/srv/data/cache/tiles"]),
  },
  "fs.delete": {
    args: { path: "/srv/app", recursive: true },
    invalid: [{ args: { path: "/srv/app", recursive: 1 }, field: "args.recursive" }],
    setup: conf,
    verify: (r) => expect(r).toMatchObject({ type: "dir", entries: 5 }),
  },
  "fs.move": {
    args: { from: "/srv/app", to: "/var/www/app" },
    invalid: [{ args: { from: "/srv/app" }, field: "args.to" }],
    setup: conf,
    verify: (_r, t) => expect(readlinkSync(t.host("/var/www/app/current"))).toBe("app.conf"),
  },
  "fs.copy": {
    args: { from: "/srv/app", to: "/var/www/app", recursive: true },
    invalid: [{ args: { from: "relative", to: "/srv/x" }, field: "args.from" }],
    setup: conf,
    verify: (r) => expect(r).toMatchObject({ entries: 5, bytes: 18 }),
  },
  "fs.chmod": {
    args: { path: "/srv/app/app.conf", mode: "0644" },
    invalid: [{ args: { path: "/srv/app/app.conf", mode: "rwxr-xr-x" }, field: "args.mode" }],
    setup: conf,
    verify: (r) => expect(r).toMatchObject({ mode: "0644", previous: "0640" }),
  },
  "fs.symlink": {
    args: { path: "/etc/app.conf", target: "/srv/app/app.conf" },
    invalid: [{ args: { path: "/etc/app.conf", target: "" }, field: "args.target" }],
    setup: conf,
    verify: (_r, t) => expect(readFileSync(t.host("/etc/app.conf"), "utf8")).toBe("listen 80\n"),
  },
  "fs.search": {
    args: { path: "/srv", name: "*.conf", content: "gzip" },
    invalid: [{ args: { path: "/srv", name: "*", maxResults: 0 }, field: "args.maxResults" }],
    setup: conf,
    verify: (r) => expect(r.matches).toEqual([{ path: "/srv/app/conf.d/extra.conf", line: 1, text: "gzip on" }]),
  },
  "fs.du": {
    setup: (t) => {
      mkdirSync(t.host("/srv/big/deeper"), { recursive: true });
      writeFileSync(t.host("/srv/big/deeper/data"), Buffer.alloc(256 * 1024, 1));
      mkdirSync(t.host("/srv/small"));
      writeFileSync(t.host("/srv/small/note"), "x");
    },
    args: { path: "/srv", depth: 2 },
    invalid: [
      { args: { path: "/srv", depth: 5 }, field: "args.depth" },
      { args: { path: "srv" }, field: "args.path" },
      { args: { path: "/srv", oneFilesystem: "yes" }, field: "args.oneFilesystem" },
    ],
    verify: (r) => {
      expect(r.entries.map((e: { path: string }) => e.path)).toEqual(["/srv/big", "/srv/big/deeper", "/srv/small", "/srv/small/note"].slice(0, r.entries.length));
      expect(r.entries[0].bytes).toBeGreaterThanOrEqual(256 * 1024);
      expect(r).toMatchObject({ path: "/srv", measure: "allocated", files: 2, dirs: 4, complete: true, errors: 0 });
    },
  },
});
