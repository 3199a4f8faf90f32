import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, rmdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FsPathError } from "./errors";
import { normalizeGuest, pathRisk, resolvePath } from "./paths";
import { makeEnv, type TestEnv } from "./testing";

let t: TestEnv;
beforeEach(() => {
  t = makeEnv();
});
afterEach(() => t.cleanup());

function refused(path: string, code: string, follow = true): FsPathError {
  try {
    resolvePath(t.env, "fs.read", path, { follow });
  } catch (err) {
    expect(err).toBeInstanceOf(FsPathError);
    expect((err as FsPathError).code).toBe(code);
    return err as FsPathError;
  }
  throw new Error(`${path} was not refused`);
}

describe("normalizeGuest", () => {
  test("resolves . and .. lexically and refuses climbing above /", () => {
    expect(normalizeGuest("/etc/./nginx//../x")).toBe("/etc/x");
    expect(normalizeGuest("/")).toBe("/");
    expect(normalizeGuest("/etc/../..")).toBeNull();
    expect(normalizeGuest("etc")).toBeNull();
  });
});

describe("resolvePath", () => {
  test("a path inside a root maps under the sandbox", () => {
    const r = resolvePath(t.env, "fs.read", "/etc/nginx/../hostname");
    expect(r).toMatchObject({ guest: "/etc/hostname", real: "/etc/hostname", host: join(t.root, "etc/hostname") });
  });

  test("the walk hands its lstat of the path on: what is there (through a link, its target), null where nothing is, nothing through a file", () => {
    writeFileSync(join(t.root, "etc/hostname"), "aios\n");
    const file = resolvePath(t.env, "fs.read", "/etc/hostname");
    expect(file.stat?.ino).toBe(lstatSync(file.host).ino);
    expect(resolvePath(t.env, "fs.read", "/etc/absent").stat).toBeNull();
    expect(resolvePath(t.env, "fs.read", "/etc/absent/below").stat).toBeNull();
    expect(resolvePath(t.env, "fs.read", "/etc/hostname/below").stat).toBeUndefined(); // the caller's own lstat names ENOTDIR
    symlinkSync("hostname", join(t.root, "etc/name-link"));
    const followed = resolvePath(t.env, "fs.read", "/etc/name-link");
    expect([followed.stat?.isFile(), followed.stat?.ino]).toEqual([true, lstatSync(join(t.root, "etc/hostname")).ino]);
    expect(resolvePath(t.env, "fs.read", "/etc/name-link", { follow: false }).stat?.isSymbolicLink()).toBe(true);
    symlinkSync("..", join(t.root, "etc/up"));
    expect(resolvePath(t.env, "fs.read", "/etc/up/etc/hostname").stat?.ino).toBe(lstatSync(join(t.root, "etc/hostname")).ino);
    mkdirSync(join(t.root, "etc/sub"));
    symlinkSync("..", join(t.root, "etc/sub/up"));
    expect(resolvePath(t.env, "fs.read", "/etc/sub/up").stat).toBeUndefined(); // a ".." ended the walk: not looked at, left to the caller
  });

  test("relative paths and NUL bytes are malformed", () => {
    expect(refused("etc/hostname", "invalid_path").message).toBe("fs.read etc/hostname: must be an absolute path");
    expect(refused("/etc/host\0name", "invalid_path").message).toBe("fs.read /etc/host\\0name: contains a NUL byte");
  });

  test(".. that climbs out, and absolute paths outside the roots, are refused", () => {
    expect(refused("/etc/../../x", "outside_roots").message).toBe("fs.read /etc/../../x: outside the allowed roots");
    refused("/etc/../usr/bin/ls", "outside_roots");
    refused("/usr/bin/ls", "outside_roots");
    refused("/", "outside_roots");
    refused("/etcetera/x", "outside_roots");
  });

  test("a symlink inside the roots that points at the host is refused, but the link itself can be named", () => {
    symlinkSync("/etc", join(t.root, "etc/host-etc"));
    expect(refused("/etc/host-etc/passwd", "outside_roots").message).toContain("through a symlink");
    refused("/etc/host-etc", "outside_roots");
    expect(resolvePath(t.env, "fs.delete", "/etc/host-etc", { follow: false }).host).toBe(join(t.root, "etc/host-etc"));
  });

  test("a relative symlink in a parent directory that climbs out of the sandbox is refused", () => {
    mkdirSync(join(t.root, "srv/app"));
    symlinkSync("../../..", join(t.root, "srv/app/up"));
    refused("/srv/app/up/etc/passwd", "outside_roots");
    refused("/srv/app/up/x", "outside_roots", false);
  });

  test("a symlink to a part of the sandbox outside the roots is refused", () => {
    mkdirSync(join(t.root, "var/lib"), { recursive: true });
    symlinkSync("../var/lib", join(t.root, "etc/lib"));
    refused("/etc/lib/x", "outside_roots");
  });

  test("a dangling symlink pointing out cannot be written through", () => {
    symlinkSync(join(t.dir, "outside-file"), join(t.root, "etc/dangling"));
    refused("/etc/dangling", "outside_roots");
  });

  test("chains of links are followed to the end", () => {
    symlinkSync("b", join(t.root, "etc/a"));
    symlinkSync("/", join(t.root, "etc/b"));
    refused("/etc/a", "outside_roots");
    symlinkSync("d", join(t.root, "etc/c"));
    symlinkSync("c", join(t.root, "etc/d"));
    expect(() => resolvePath(t.env, "fs.read", "/etc/c")).toThrow("fs.read /etc/c: ELOOP");
  });

  test("links between roots are allowed and report where they lead", () => {
    writeFileSync(join(t.root, "srv/site.conf"), "x");
    symlinkSync("../srv/site.conf", join(t.root, "etc/site.conf"));
    symlinkSync(join(t.root, "srv"), join(t.root, "etc/srv-abs"));
    expect(resolvePath(t.env, "fs.read", "/etc/site.conf")).toMatchObject({ guest: "/etc/site.conf", real: "/srv/site.conf", host: join(t.root, "srv/site.conf") });
    expect(resolvePath(t.env, "fs.read", "/etc/srv-abs/new").real).toBe("/srv/new");
    expect(resolvePath(t.env, "fs.read", "/etc/site.conf", { follow: false }).real).toBe("/etc/site.conf");
  });

  test("a root that is itself a symlink allows where it leads", () => {
    const e = makeEnv(["/etc", "/var/run"]);
    try {
      mkdirSync(join(e.root, "run"));
      rmdirSync(join(e.root, "var/run"));
      symlinkSync("../run", join(e.root, "var/run"));
      expect(resolvePath(e.env, "fs.read", "/var/run/x.pid").real).toBe("/run/x.pid");
    } finally {
      e.cleanup();
    }
  });
});

describe("aiOS's own directories", () => {
  test("the protected set (secrets, ledger, undo copies, memory, models, /etc/aios, /boot) is out of reach even inside the roots", () => {
    const e = makeEnv(["/etc", "/var/lib/aios", "/boot"]);
    try {
      const data = join(e.root, "var/lib/aios");
      const env = { ...e.env, paths: { ...e.env.paths, data, secrets: join(data, "secrets") } };
      mkdirSync(join(data, "secrets"), { recursive: true });
      mkdirSync(join(data, "memory"), { recursive: true });
      mkdirSync(join(data, "cache/pkg"), { recursive: true });
      symlinkSync(join(data, "secrets"), join(e.root, "etc/tok"));
      symlinkSync(join(data, "memory/working.db"), join(e.root, "etc/sched"));
      expect(resolvePath(env, "fs.read", "/var/lib/aios/cache/pkg/lists").real).toBe("/var/lib/aios/cache/pkg/lists");
      // Issue 11: the schedules and plans in the memory databases, the models and config.toml steer the system.
      for (const p of ["/var/lib/aios/secrets/api-token", "/var/lib/aios/ledger/audit.db", "/var/lib/aios/cache/undo/c1/0", "/etc/tok", "/var/lib/aios/memory/../secrets",
        "/var/lib/aios/memory/working.db", "/etc/sched", "/var/lib/aios/models/x/model.onnx", "/etc/aios/config.toml", "/etc/aios", "/boot/vmlinuz"]) {
        expect(() => resolvePath(env, "fs.write", p)).toThrow("is protected");
      }
    } finally {
      e.cleanup();
    }
  });
});

describe("pathRisk", () => {
  test("writing accounts, privileges or logins is high risk; reading the secret ones too; through symlinks as well", () => {
    const e = makeEnv(["/etc", "/srv"]);
    try {
      symlinkSync(join(e.root, "etc/shadow"), join(e.root, "srv/sh")); // dev mode: an absolute target is a host path
      for (const p of ["/etc/shadow", "/etc/sudoers", "/etc/sudoers.d/90-x", "/etc/passwd", "/etc/ssh/sshd_config", "/srv/sh", "/etc/x/../shadow"]) expect(pathRisk(e.env, p, true)).toBe("high");
      for (const p of ["/etc/shadow", "/etc/sudoers.d/x", "/srv/sh"]) expect(pathRisk(e.env, p, false)).toBe("high");
      for (const p of ["/etc/hosts", "/srv/www/index.html", "/etc/shadowy"]) expect(pathRisk(e.env, p, true)).toBeUndefined();
      expect(pathRisk(e.env, "/etc/passwd", false)).toBeUndefined();
    } finally {
      e.cleanup();
    }
  });
});
