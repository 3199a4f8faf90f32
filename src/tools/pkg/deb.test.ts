import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAr } from "./ar";
import { readDeb, readDebControl } from "./deb";
import { decompressor } from "./decompress";
import { PkgFormatError } from "./errors";
import { parseTar } from "./tar";
import { buildDeb, readBytes } from "./testing";

const dir = mkdtempSync(join(tmpdir(), "aios-deb-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LONG = `usr/share/aios/${"very-long-directory-name/".repeat(5)}file-with-a-long-name.txt`;

function tarOf(format: "gnu" | "ustar" | "pax", setup: (root: string) => void): Uint8Array {
  const root = mkdtempSync(join(dir, `tar-${format}-`));
  setup(root);
  const out = join(dir, `${format}-${Math.random().toString(36).slice(2)}.tar`);
  const r = Bun.spawnSync(["tar", `--format=${format}`, "--owner=0", "--group=0", "-C", root, "-cf", out, "."]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return readBytes(out);
}

describe("parseAr", () => {
  test("reads members written by the host's ar, with odd sizes padded", () => {
    const a = join(dir, "a.txt");
    const b = join(dir, "bb.txt");
    writeFileSync(a, "odd");
    writeFileSync(b, "even");
    const out = join(dir, "t.a");
    expect(Bun.spawnSync(["ar", "rc", out, a, b]).exitCode).toBe(0);
    const m = parseAr(readBytes(out));
    expect(m.map((x) => x.name)).toEqual(["a.txt", "bb.txt"]);
    expect(new TextDecoder().decode(m[0]!.data)).toBe("odd");
    expect(new TextDecoder().decode(m[1]!.data)).toBe("even");
  });
  test("refuses what is not an ar archive", () => {
    expect(() => parseAr(new TextEncoder().encode("hello world, not an archive"))).toThrow("bad magic");
  });
});

describe("parseTar", () => {
  const fill = (root: string) => {
    mkdirSync(join(root, "etc/app"), { recursive: true });
    writeFileSync(join(root, "etc/app/conf"), "key=value\n");
    chmodSync(join(root, "etc/app/conf"), 0o640);
    mkdirSync(join(root, LONG, ".."), { recursive: true });
    writeFileSync(join(root, LONG), "long");
    symlinkSync(`../../${"x".repeat(120)}`, join(root, "etc/app/longlink"));
    symlinkSync("conf", join(root, "etc/app/link"));
    linkSync(join(root, "etc/app/conf"), join(root, "etc/app/hard"));
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    writeFileSync(join(root, "usr/bin/tool"), "#!/bin/sh\n");
    chmodSync(join(root, "usr/bin/tool"), 0o4755);
  };

  for (const format of ["gnu", "pax"] as const) {
    test(`${format}: long names, symlinks, hardlinks, modes`, () => {
      const entries = parseTar(tarOf(format, fill));
      const by = new Map(entries.map((e) => [e.path, e]));
      expect(by.get("")?.type).toBe("dir");
      expect(by.get("etc/app")?.type).toBe("dir");
      const conf = by.get("etc/app/conf")!;
      const hard = by.get("etc/app/hard")!;
      // tar stores the first of two hard-linked names as the file, the second as a link to it.
      const [fileEntry, linkEntry] = conf.type === "file" ? [conf, hard] : [hard, conf];
      expect(fileEntry.type).toBe("file");
      expect(fileEntry.mode).toBe(0o640);
      expect(new TextDecoder().decode(fileEntry.data)).toBe("key=value\n");
      expect(linkEntry.type).toBe("hardlink");
      expect(linkEntry.linkname).toBe(fileEntry.path);
      expect(by.get(LONG)?.type).toBe("file");
      expect(new TextDecoder().decode(by.get(LONG)!.data)).toBe("long");
      expect(by.get("etc/app/longlink")).toMatchObject({ type: "symlink", linkname: `../../${"x".repeat(120)}` });
      expect(by.get("etc/app/link")).toMatchObject({ type: "symlink", linkname: "conf" });
      expect(by.get("usr/bin/tool")?.mode).toBe(0o4755);
      expect(by.get("usr/bin/tool")?.uid).toBe(0);
    });
  }

  test("ustar: a long path split into prefix and name", () => {
    const entries = parseTar(tarOf("ustar", (root) => {
      mkdirSync(join(root, LONG, ".."), { recursive: true });
      writeFileSync(join(root, LONG), "long");
    }));
    expect(entries.find((e) => e.path === LONG)?.type).toBe("file");
  });

  test("a corrupted header is refused by its checksum", () => {
    const buf = tarOf("gnu", (root) => writeFileSync(join(root, "f"), "x"));
    buf[600] = buf[600]! ^ 0xff;
    expect(() => parseTar(buf)).toThrow("checksum");
  });
});

describe("readDeb", () => {
  const spec = (compression: "xz" | "gzip" | "zstd" | "none") => ({
    name: `t-${compression}`,
    version: "1:2.0-1",
    depends: "libc6 (>= 2.34), a | b",
    provides: "virtual-thing",
    files: { "/etc/t/t.conf": "x=1\n", "/usr/bin/t": { content: "#!/bin/sh\n", mode: 0o755 }, "/usr/bin/t-link": { symlink: "t" } },
    conffiles: ["/etc/t/t.conf"],
    scripts: { postinst: "#!/bin/sh\nadduser --system tuser\n", prerm: "#!/bin/sh\n" },
    compression,
  });

  for (const c of ["xz", "gzip", "zstd", "none"] as const) {
    test(`data.tar${c === "none" ? "" : `.${c === "gzip" ? "gz" : c === "zstd" ? "zst" : c}`}`, async () => {
      const path = buildDeb(dir, spec(c));
      const deb = await readDeb(readBytes(path), path);
      expect(deb.record.name).toBe(`t-${c}`);
      expect(deb.record.version).toBe("1:2.0-1");
      expect(deb.record.depends.map((g) => g.map((r) => r.name))).toEqual([["libc6"], ["a", "b"]]);
      expect(deb.record.provides[0]?.name).toBe("virtual-thing");
      expect(deb.conffiles).toEqual(["/etc/t/t.conf"]);
      expect([...deb.scripts.keys()].sort()).toEqual(["postinst", "prerm"]);
      const paths = deb.entries.map((e) => e.path);
      expect(paths).toContain("etc/t/t.conf");
      expect(deb.entries.find((e) => e.path === "usr/bin/t")?.mode).toBe(0o755);
      expect(deb.entries.find((e) => e.path === "usr/bin/t-link")).toMatchObject({ type: "symlink", linkname: "t" });
    });
  }

  test("the control part alone does not unpack data", async () => {
    const path = buildDeb(dir, spec("xz"));
    const ctl = await readDebControl(readBytes(path), path);
    expect(ctl.record.name).toBe("t-xz");
    expect("entries" in ctl).toBe(false);
  });

  test("a truncated package is refused with its name", async () => {
    const path = buildDeb(dir, spec("gzip"));
    const bytes = readBytes(path);
    const err = await readDeb(bytes.subarray(0, bytes.length - 100), "t-gzip.deb").catch((e) => e);
    expect(err).toBeInstanceOf(PkgFormatError);
    expect(err.message).toContain("t-gzip.deb");
  });

  test("xz is decompressed by a tool found on PATH", () => {
    expect(decompressor("xz")).not.toBeNull();
  });
});
