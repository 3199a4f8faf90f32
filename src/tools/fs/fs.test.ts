import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FsError, FsPathError } from "./errors";
import { fsAppend, fsChmod, fsCopy, fsDelete, fsList, fsMkdir, fsMove, fsRead, fsSearch, fsStat, fsSymlink, fsWrite } from "./index";
import { INLINE_MAX } from "./snapshot";
import { call, makeCtx, makeEnv, type TestEnv, tree, undo } from "./testing";

let t: TestEnv;
const at = (p: string) => join(t.root, p);
const ctx = () => makeCtx(t.env);

beforeEach(() => {
  t = makeEnv();
  mkdirSync(at("etc/nginx/conf.d"), { recursive: true });
  writeFileSync(at("etc/nginx/nginx.conf"), "worker_processes 1;\n", { mode: 0o640 });
  chmodSync(at("etc/nginx/nginx.conf"), 0o640);
  writeFileSync(at("etc/nginx/conf.d/a.conf"), "server { listen 80; }\n");
  writeFileSync(at("srv/big.bin"), Buffer.alloc(INLINE_MAX * 3, 7));
  symlinkSync("../nginx.conf", at("etc/nginx/conf.d/main.link"));
});
afterEach(() => t.cleanup());

/** Runs a reversible call, then its undo, and checks the sandbox is exactly as before. */
async function roundTrip(tool: Parameters<typeof undo>[0], args: unknown, changed: (result: any) => void): Promise<void> {
  const before = tree(t.root);
  const c = ctx();
  const result = await call(tool, args, c);
  changed(result);
  expect(tree(t.root)).not.toEqual(before);
  await undo(tool, c);
  expect(tree(t.root)).toEqual(before);
  expect(existsSync(join(t.env.paths.data, "cache/undo", c.callId))).toBe(false);
}

describe("fs.read / fs.stat / fs.list", () => {
  test("read returns text or base64, honours maxBytes and offset", async () => {
    expect(await call(fsRead, { path: "/etc/nginx/nginx.conf" }, ctx())).toEqual({ path: "/etc/nginx/nginx.conf", encoding: "utf8", content: "worker_processes 1;\n", size: 20, bytes: 20, truncated: false });
    const r = await call(fsRead, { path: "/etc/nginx/nginx.conf", encoding: "base64", maxBytes: 6, offset: 7 }, ctx());
    expect(Buffer.from(r.content, "base64").toString()).toBe("proces");
    expect(r.truncated).toBe(true);
    await expect(call(fsRead, { path: "/etc/nginx" }, ctx())).rejects.toThrow("fs.read /etc/nginx: EISDIR");
    await expect(call(fsRead, { path: "/etc/none" }, ctx())).rejects.toThrow("fs.read /etc/none: ENOENT (no such file or directory)");
  });

  test("stat reports type, mode and a symlink's guest target; missing paths say exists: false", async () => {
    expect(await call(fsStat, { path: "/etc/nginx/nginx.conf" }, ctx())).toMatchObject({ exists: true, type: "file", size: 20, mode: "0640" });
    expect(await call(fsStat, { path: "/etc/nginx/conf.d/main.link" }, ctx())).toMatchObject({ type: "symlink", target: "../nginx.conf" });
    expect(await call(fsStat, { path: "/etc/nginx/conf.d/main.link", follow: true }, ctx())).toMatchObject({ path: "/etc/nginx/conf.d/main.link", type: "file" });
    expect(await call(fsStat, { path: "/etc/missing" }, ctx())).toEqual({ path: "/etc/missing", exists: false });
  });

  test("list is sorted, recursive on request, and stops at limit", async () => {
    const flat = await call(fsList, { path: "/etc/nginx" }, ctx());
    expect(flat.entries.map((e) => `${e.path}:${e.type}`)).toEqual(["/etc/nginx/conf.d:dir", "/etc/nginx/nginx.conf:file"]);
    const deep = await call(fsList, { path: "/etc/nginx", recursive: true }, ctx());
    expect(deep.entries.map((e) => e.path)).toContain("/etc/nginx/conf.d/main.link");
    expect(deep.entries.find((e) => e.type === "symlink")?.target).toBe("../nginx.conf");
    const cut = await call(fsList, { path: "/etc/nginx", recursive: true, limit: 2 }, ctx());
    expect(cut).toMatchObject({ truncated: true });
    expect(cut.entries).toHaveLength(2);
    await expect(call(fsList, { path: "/etc/nginx/nginx.conf" }, ctx())).rejects.toThrow("ENOTDIR");
  });
});

describe("fs.write / fs.append", () => {
  test("write replaces content and mode in one rename (a new inode; a hard link keeps the old content); undo restores both exactly", async () => {
    linkSync(at("etc/nginx/nginx.conf"), at("etc/hardlink"));
    const ino = statSync(at("etc/nginx/nginx.conf")).ino;
    const old = readFileSync(at("etc/hardlink"), "utf8");
    await roundTrip(fsWrite, { path: "/etc/nginx/nginx.conf", content: "new", mode: "0600" }, (r) => {
      expect(r).toEqual({ path: "/etc/nginx/nginx.conf", bytes: 3, created: false });
      expect(statSync(at("etc/nginx/nginx.conf")).mode & 0o7777).toBe(0o600);
      expect(statSync(at("etc/nginx/nginx.conf")).ino).not.toBe(ino);
      expect(readFileSync(at("etc/hardlink"), "utf8")).toBe(old);
    });
  });

  test("write creating a file and its parents; undo removes them all", async () => {
    await roundTrip(fsWrite, { path: "/srv/app/conf/x.toml", content: Buffer.from("a=1").toString("base64"), encoding: "base64", createParents: true }, (r) => {
      expect(r.created).toBe(true);
      expect(readFileSync(at("srv/app/conf/x.toml"), "utf8")).toBe("a=1");
    });
    await expect(call(fsWrite, { path: "/srv/none/x", content: "" }, ctx())).rejects.toThrow("fs.write /srv/none/x: ENOENT");
  });

  test("write over a large file keeps the old content in the undo directory", async () => {
    await roundTrip(fsWrite, { path: "/srv/big.bin", content: "small" }, () => expect(statSync(at("srv/big.bin")).size).toBe(5));
  });

  test("write through a symlink changes and restores the target", async () => {
    await roundTrip(fsWrite, { path: "/etc/nginx/conf.d/main.link", content: "via link" }, () => {
      expect(readlinkSync(at("etc/nginx/conf.d/main.link"))).toBe("../nginx.conf");
      expect(readFileSync(at("etc/nginx/nginx.conf"), "utf8")).toBe("via link");
    });
  });

  test("write cannot build parents outside the roots, and refuses directories", async () => {
    await expect(call(fsWrite, { path: "/var/www/../lib/x", content: "" }, ctx())).rejects.toBeInstanceOf(FsPathError);
    await expect(call(fsWrite, { path: "/etc/nginx", content: "" }, ctx())).rejects.toThrow("EISDIR");
  });

  test("append adds to the end; undo truncates back or removes a created file", async () => {
    await roundTrip(fsAppend, { path: "/etc/nginx/nginx.conf", content: "events {}\n" }, (r) => {
      expect(r).toEqual({ path: "/etc/nginx/nginx.conf", bytes: 10, size: 30 });
      expect(readFileSync(at("etc/nginx/nginx.conf"), "utf8")).toBe("worker_processes 1;\nevents {}\n");
    });
    await roundTrip(fsAppend, { path: "/srv/new.log", content: "line\n" }, () => expect(existsSync(at("srv/new.log"))).toBe(true));
  });
});

describe("fs.mkdir / fs.chmod", () => {
  test("mkdir with parents and mode; undo removes exactly what it made", async () => {
    await roundTrip(fsMkdir, { path: "/srv/a/b/c", parents: true, mode: "0700" }, (r) => {
      expect(r.created).toEqual(["/srv/a", "/srv/a/b", "/srv/a/b/c"]);
      expect(statSync(at("srv/a/b/c")).mode & 0o7777).toBe(0o700);
    });
    await expect(call(fsMkdir, { path: "/srv/x/y" }, ctx())).rejects.toThrow("parent /srv/x does not exist");
    await expect(call(fsMkdir, { path: "/etc/nginx" }, ctx())).rejects.toThrow("EEXIST");
    expect((await call(fsMkdir, { path: "/etc/nginx", parents: true }, ctx())).created).toEqual([]);
  });

  test("undo of mkdir leaves a directory that gained entries and says so", async () => {
    const c = ctx();
    await call(fsMkdir, { path: "/srv/d" }, c);
    writeFileSync(at("srv/d/later"), "x");
    await expect(undo(fsMkdir, c)).rejects.toThrow("fs.mkdir /srv/d: created by this call but no longer empty");
  });

  test("chmod changes the bits (setuid included); undo restores them", async () => {
    await roundTrip(fsChmod, { path: "/etc/nginx/nginx.conf", mode: "4755" }, (r) => {
      expect(r).toEqual({ path: "/etc/nginx/nginx.conf", mode: "04755", previous: "0640" });
    });
  });
});

describe("fs.delete", () => {
  test("a file, kept inline; a large file, kept in the undo directory", async () => {
    await roundTrip(fsDelete, { path: "/etc/nginx/nginx.conf" }, (r) => expect(r).toEqual({ path: "/etc/nginx/nginx.conf", type: "file", entries: 1, bytes: 20 }));
    await roundTrip(fsDelete, { path: "/srv/big.bin" }, () => expect(existsSync(at("srv/big.bin"))).toBe(false));
  });

  test("a tree with modes, a large file and symlinks comes back exactly", async () => {
    writeFileSync(at("etc/nginx/conf.d/big"), Buffer.alloc(INLINE_MAX + 1, 1));
    chmodSync(at("etc/nginx/conf.d"), 0o750);
    symlinkSync(join(t.root, "srv"), at("etc/nginx/abs.link"));
    await roundTrip(fsDelete, { path: "/etc/nginx", recursive: true }, (r) => expect(r).toMatchObject({ type: "dir", entries: 7 }));
  });

  test("a symlink is removed, not its target", async () => {
    await roundTrip(fsDelete, { path: "/etc/nginx/conf.d/main.link" }, () => expect(existsSync(at("etc/nginx/nginx.conf"))).toBe(true));
  });

  test("a non-empty directory needs recursive; the roots themselves are refused", async () => {
    await expect(call(fsDelete, { path: "/etc/nginx" }, ctx())).rejects.toThrow("ENOTEMPTY (directory not empty; set recursive)");
    await expect(call(fsDelete, { path: "/etc", recursive: true }, ctx())).rejects.toThrow("fs.delete /etc: is an allowed root");
    await expect(call(fsDelete, { path: "/etc/none" }, ctx())).rejects.toThrow("ENOENT");
  });
});

describe("fs.move / fs.copy", () => {
  test("move renames; undo moves back", async () => {
    await roundTrip(fsMove, { from: "/etc/nginx", to: "/srv/nginx" }, (r) => expect(r).toEqual({ from: "/etc/nginx", to: "/srv/nginx", type: "dir" }));
  });

  test("move over an existing file needs overwrite; undo restores both", async () => {
    await expect(call(fsMove, { from: "/etc/nginx/nginx.conf", to: "/etc/nginx/conf.d/a.conf" }, ctx())).rejects.toThrow("EEXIST");
    await roundTrip(fsMove, { from: "/etc/nginx/nginx.conf", to: "/etc/nginx/conf.d/a.conf", overwrite: true }, () => {
      expect(readFileSync(at("etc/nginx/conf.d/a.conf"), "utf8")).toBe("worker_processes 1;\n");
    });
  });

  test("move refuses a root, a move into itself, and a relative link that would lead out", async () => {
    await expect(call(fsMove, { from: "/srv", to: "/etc/srv" }, ctx())).rejects.toThrow("is an allowed root");
    await expect(call(fsMove, { from: "/etc/nginx", to: "/etc/nginx/conf.d/x" }, ctx())).rejects.toThrow("EINVAL");
    mkdirSync(at("srv/deep/er"), { recursive: true });
    symlinkSync("../../etc", at("srv/deep/er/l"));
    const before = tree(t.root);
    await expect(call(fsMove, { from: "/srv/deep/er/l", to: "/srv/l" }, ctx())).rejects.toThrow("fs.move /srv/l: symlink would lead outside the allowed roots");
    expect(tree(t.root)).toEqual(before);
  });

  test("copy a tree keeps modes and links; undo removes the copy", async () => {
    await roundTrip(fsCopy, { from: "/etc/nginx", to: "/srv/nginx-copy", recursive: true }, (r) => {
      expect(r).toMatchObject({ from: "/etc/nginx", to: "/srv/nginx-copy", entries: 5 });
      expect(statSync(at("srv/nginx-copy/nginx.conf")).mode & 0o7777).toBe(0o640);
      expect(readlinkSync(at("srv/nginx-copy/conf.d/main.link"))).toBe("../nginx.conf");
    });
    await expect(call(fsCopy, { from: "/etc/nginx", to: "/srv/x" }, ctx())).rejects.toThrow("set recursive");
  });

  test("copy over a file with overwrite; undo brings the old one back", async () => {
    await roundTrip(fsCopy, { from: "/srv/big.bin", to: "/etc/nginx/nginx.conf", overwrite: true }, () => {
      expect(statSync(at("etc/nginx/nginx.conf")).size).toBe(INLINE_MAX * 3);
    });
  });
});

describe("fs.symlink", () => {
  test("creates a link with a guest target; in dev mode it points into the sandbox", async () => {
    await roundTrip(fsSymlink, { path: "/etc/nginx/site", target: "/srv/big.bin" }, (r) => {
      expect(r).toEqual({ path: "/etc/nginx/site", target: "/srv/big.bin" });
      expect(readlinkSync(at("etc/nginx/site"))).toBe(join(t.root, "srv/big.bin"));
      expect(statSync(at("etc/nginx/site")).size).toBe(INLINE_MAX * 3);
    });
  });

  test("overwrite replaces an existing link; undo restores the old target", async () => {
    await expect(call(fsSymlink, { path: "/etc/nginx/conf.d/main.link", target: "a.conf" }, ctx())).rejects.toThrow("EEXIST");
    await roundTrip(fsSymlink, { path: "/etc/nginx/conf.d/main.link", target: "a.conf", overwrite: true }, () => {
      expect(readlinkSync(at("etc/nginx/conf.d/main.link"))).toBe("a.conf");
    });
  });

  test("a target outside the roots is refused, absolute or relative", async () => {
    for (const target of ["/usr/bin", "../../../..", "../../../../../../../etc/passwd", "/etc/../../x"]) {
      await expect(call(fsSymlink, { path: "/etc/nginx/out", target }, ctx())).rejects.toBeInstanceOf(FsPathError);
    }
    expect(lstatSync(at("etc/nginx/out"), { throwIfNoEntry: false })).toBeUndefined();
  });
});

describe("fs.search", () => {
  test("by name glob, by content, by regex, with limits", async () => {
    expect((await call(fsSearch, { path: "/etc", name: "*.conf" }, ctx())).matches.map((m) => m.path)).toEqual(["/etc/nginx/conf.d/a.conf", "/etc/nginx/nginx.conf"]);
    expect((await call(fsSearch, { path: "/etc", content: "listen" }, ctx())).matches).toEqual([{ path: "/etc/nginx/conf.d/a.conf", line: 1, text: "server { listen 80; }" }]);
    expect((await call(fsSearch, { path: "/etc", content: "^WORKER_\\w+ \\d", regex: true, ignoreCase: true }, ctx())).matches.map((m) => m.path)).toEqual(["/etc/nginx/nginx.conf"]);
    const cut = await call(fsSearch, { path: "/etc", name: "*", maxResults: 1 }, ctx());
    expect(cut).toMatchObject({ truncated: true });
    await expect(call(fsSearch, { path: "/etc", content: "(", regex: true }, ctx())).rejects.toThrow("args.content: not a valid regex");
  });

  test("a catastrophic regex runs in linear time (issue 11: ^(a+)+$ froze PID 1 for 17 s)", async () => {
    writeFileSync(at("srv/aaa.txt"), `${"a".repeat(40)}!\n`.repeat(20)); // 840 bytes
    const r = await call(fsSearch, { path: "/srv", content: "^(a+)+$", regex: true }, ctx());
    expect(r.matches).toEqual([]);
    expect((await call(fsSearch, { path: "/srv", content: "^(a+)+!$", regex: true }, ctx())).matches).toHaveLength(20);
    // RE2 syntax: backreferences cannot be matched in linear time, so they are refused by name.
    await expect(call(fsSearch, { path: "/srv", content: "(a)\\1", regex: true }, ctx())).rejects.toThrow("args.content: not a valid regex");
  });

  test("never walks through a symlink that leads out", async () => {
    writeFileSync(join(t.dir, "secret.conf"), "password");
    symlinkSync(t.dir, at("etc/escape"));
    const r = await call(fsSearch, { path: "/etc", content: "password" }, ctx());
    expect(r.matches).toEqual([]);
    await expect(call(fsSearch, { path: "/etc/escape", name: "*" }, ctx())).rejects.toBeInstanceOf(FsPathError);
  });
});

describe("escapes through the tools", () => {
  test("every tool refuses .., absolute outside, symlinks out, NUL bytes", async () => {
    symlinkSync("/", at("etc/hostroot"));
    const cases: Array<[Parameters<typeof call>[0], object]> = [
      [fsRead, { path: "/etc/../../etc/passwd" }],
      [fsRead, { path: "/etc/hostroot/etc/passwd" }],
      [fsWrite, { path: "/etc/hostroot/tmp/pwned", content: "x" }],
      [fsWrite, { path: "/root/.ssh/authorized_keys", content: "x" }],
      [fsAppend, { path: "/etc/hostroot/tmp/pwned", content: "x" }],
      [fsList, { path: "/etc/hostroot" }],
      [fsChmod, { path: "/etc/hostroot/tmp", mode: "0777" }],
      [fsMkdir, { path: "/etc/hostroot/tmp/x" }],
      [fsDelete, { path: "/etc/hostroot/tmp", recursive: true }],
      [fsMove, { from: "/etc/nginx", to: "/etc/hostroot/tmp/n" }],
      [fsCopy, { from: "/etc/hostroot/etc/passwd", to: "/srv/passwd" }],
      [fsSymlink, { path: "/etc/hostroot/tmp/l", target: "/srv" }],
    ];
    for (const [tool, args] of cases) await expect(call(tool, args, ctx())).rejects.toBeInstanceOf(FsPathError);
    await expect(call(fsRead, { path: "/etc/x\0y" }, ctx())).rejects.toThrow("must not contain a NUL byte");
    await expect(call(fsRead, { path: "etc/passwd" }, ctx())).rejects.toThrow("must be an absolute path");
  });

  test("dev mode writes /etc/passwd inside the sandbox, never on the host", async () => {
    const host = readFileSync("/etc/passwd");
    await call(fsWrite, { path: "/etc/passwd", content: "sandboxed" }, ctx());
    expect(readFileSync(at("etc/passwd"), "utf8")).toBe("sandboxed");
    expect(readFileSync("/etc/passwd")).toEqual(host);
  });

  test("undo re-checks its path: a symlink swapped in since is not followed out", async () => {
    const c = ctx();
    await call(fsWrite, { path: "/srv/dir/f", content: "x", createParents: true }, c);
    await call(fsDelete, { path: "/srv/dir", recursive: true }, ctx());
    symlinkSync(t.dir, at("srv/dir"));
    await expect(undo(fsWrite, c)).rejects.toBeInstanceOf(FsPathError);
  });

  test("errors carry the guest path, never the host one", async () => {
    try {
      await call(fsRead, { path: "/srv/missing" }, ctx());
    } catch (err) {
      expect(err).toBeInstanceOf(FsError);
      expect((err as Error).message).not.toContain(t.root);
    }
  });
});
