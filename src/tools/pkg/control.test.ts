import { describe, expect, test } from "bun:test";
import { forEachStanzaText, formatRelations, indexRecord, parseRelations, parseStanzas, toRecord } from "./control";
import { releaseDigests } from "./repo";

// Two stanzas as they appear in Debian's bookworm Packages index (trimmed).
const PACKAGES = `Package: nginx
Version: 1.22.1-9+deb12u11
Installed-Size: 1328
Maintainer: Debian Nginx Maintainers <pkg-nginx-maintainers@alioth-lists.debian.net>
Architecture: amd64
Provides: httpd, httpd-cgi, nginx-abi-1.22.1-7
Depends: libc6 (>= 2.34), libcrypt1 (>= 1:4.1.0), libpcre2-8-0 (>= 10.22), libssl3 (>= 3.0.0), zlib1g (>= 1:1.1.4), iproute2, nginx-common (<< 1.22.1-9+deb12u11.1~), nginx-common (>= 1.22.1-9+deb12u11)
Breaks: nginx-core (<< 1.22.1-6~), nginx-extras (<< 1.22.1-6~), nginx-light (<< 1.22.1-6~)
Description: small, powerful, scalable web/proxy server
 Nginx ("engine X") is a high-performance web and reverse proxy server
 .
 This package provides a version of nginx.
Section: httpd
Priority: optional
Filename: pool/main/n/nginx/nginx_1.22.1-9+deb12u11_amd64.deb
Size: 532468
SHA256: 0d1ad1cbcfb1e0cd6c1bd7a3e2c6a4e1c3a3e5e3f0e7bd8fe3f2f0f1b1a1c1d1

Package: nginx-common
Source: nginx
Version: 1.22.1-9+deb12u11
Architecture: all
Depends: debconf (>= 0.5) | debconf-2.0
Multi-Arch: foreign
Description: small, powerful, scalable web/proxy server - common files
Filename: pool/main/n/nginx/nginx-common_1.22.1-9+deb12u11_all.deb
Size: 115544
SHA256: 1111111111111111111111111111111111111111111111111111111111111111
`;

describe("Packages parsing", () => {
  test("stanzas, continuation lines and case-insensitive field names", () => {
    const st = parseStanzas(PACKAGES);
    expect(st).toHaveLength(2);
    expect(st[0]!.get("package")).toBe("nginx");
    expect(st[0]!.get("description")).toBe('small, powerful, scalable web/proxy server\nNginx ("engine X") is a high-performance web and reverse proxy server\n.\nThis package provides a version of nginx.');
  });

  test("records carry relations, index fields and the source name", () => {
    const [nginx, common] = parseStanzas(PACKAGES).map(toRecord);
    expect(nginx!.depends).toHaveLength(8);
    expect(nginx!.depends[6]).toEqual([{ name: "nginx-common", op: "<<", version: "1.22.1-9+deb12u11.1~" }]);
    expect(nginx!.provides.map((p) => p.name)).toEqual(["httpd", "httpd-cgi", "nginx-abi-1.22.1-7"]);
    expect(nginx!.breaks[0]).toEqual({ name: "nginx-core", op: "<<", version: "1.22.1-6~" });
    expect(nginx!).toMatchObject({ summary: "small, powerful, scalable web/proxy server", size: 532468, section: "httpd", installedSize: 1328, source: "nginx" });
    expect(nginx!.filename).toBe("pool/main/n/nginx/nginx_1.22.1-9+deb12u11_amd64.deb");
    expect(common!.source).toBe("nginx");
    expect(common!.depends).toEqual([[{ name: "debconf", op: ">=", version: "0.5" }, { name: "debconf-2.0" }]]);
  });

  test("stanza texts without parsing every field", () => {
    const names: string[] = [];
    forEachStanzaText(`\n${PACKAGES}\n\n`, (t) => names.push(t.split("\n")[0]!));
    expect(names).toEqual(["Package: nginx", "Package: nginx-common"]);
  });

  test("the lean index record reads the same as the full one, continuation lines included", () => {
    const texts: string[] = [];
    forEachStanzaText(`${PACKAGES}\nPackage: multi\nVersion: 1\nDepends: a,\n b (>= 2)\nDescription: x\n more\n`, (t) => texts.push(t));
    for (const t of texts) {
      const full = toRecord(parseStanzas(t)[0]!);
      const lean = indexRecord(t)!;
      for (const k of Object.keys(full) as Array<keyof typeof full>) expect([k, lean[k]]).toEqual([k, full[k]]);
    }
    expect(indexRecord("Description: no name\n")).toBeNull();
  });

  test("a record without Version names the package", () => {
    expect(() => toRecord(parseStanzas("Package: broken\n")[0]!)).toThrow("broken: no Version");
  });
});

describe("parseRelations", () => {
  test("arch qualifiers, restrictions and obsolete operators", () => {
    const r = parseRelations("perl:any, libfoo [amd64] <!nocheck>, bar (< 2), baz (>2)");
    expect(r).toEqual([[{ name: "perl", archQualifier: "any" }], [{ name: "libfoo" }], [{ name: "bar", op: "<=", version: "2" }], [{ name: "baz", op: ">=", version: "2" }]]);
    expect(formatRelations(r)).toBe("perl:any, libfoo, bar (<= 2), baz (>= 2)");
  });
  test("garbage is refused with the field named", () => {
    expect(() => parseRelations("good, (>= 1)", "x Depends")).toThrow('x Depends: cannot parse "(>= 1)"');
  });
});

describe("Release", () => {
  test("SHA256 entries, from a clear-signed InRelease too", () => {
    const body = "Origin: Debian\nSuite: bookworm\nSHA256:\n abcd 1234 main/binary-amd64/Packages.gz\n ef01 99 main/binary-amd64/Packages\n";
    const signed = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${body}-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n`;
    for (const text of [body, signed]) {
      const d = releaseDigests(text);
      expect(d.get("main/binary-amd64/Packages.gz")).toEqual({ sha256: "abcd", size: 1234 });
      expect(d.size).toBe(2);
    }
  });
});
