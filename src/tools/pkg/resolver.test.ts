import { describe, expect, test } from "bun:test";
import { parseStanzas, toRecord, type PackageRecord } from "./control";
import { PkgNeededError, PkgNotFoundError, PkgNotInstalledError, PkgResolveError } from "./errors";
import { PackageSet } from "./pkgset";
import { type Present, parseRequest, resolveInstall, resolveRemove } from "./resolver";

/** Records from Packages-style text: "Package: a\nVersion: 1\nDepends: b\n\n...". */
function recs(text: string): PackageRecord[] {
  return parseStanzas(text).map((st) => {
    if (!st.has("architecture")) st.set("architecture", "amd64");
    return toRecord(st);
  });
}

function present(base: string, installed = "", auto: string[] = []): Map<string, Present> {
  const m = new Map<string, Present>();
  for (const r of recs(base)) m.set(r.name, { record: r, origin: "base" });
  for (const r of recs(installed)) m.set(r.name, { record: r, origin: "installed", auto: auto.includes(r.name) });
  return m;
}

const BASE = `Package: libc6
Version: 2.36-9+deb12u14

Package: busybox-static
Version: 1:1.35.0-4+deb12u1+b1
Provides: busybox
`;

function plan(repo: string, req: string[], base = BASE, installed = "") {
  return resolveInstall(req.map(parseRequest), { available: new PackageSet(recs(repo)), present: present(base, installed), architecture: "amd64" });
}

const names = (p: ReturnType<typeof plan>) => p.install.map((x) => x.record.name);

describe("resolveInstall", () => {
  test("the closure in dependency order, without what the base image provides", () => {
    const p = plan(`Package: web
Version: 1.0-1
Depends: libc6 (>= 2.34), web-common (= 1.0-1), libssl3 (>= 3.0)

Package: web-common
Version: 1.0-1

Package: libssl3
Version: 3.0.22-1
Depends: libc6 (>= 2.34)

Package: libc6
Version: 2.40-1
`, ["web"]);
    expect(names(p)).toEqual(["web-common", "libssl3", "web"]);
    expect(p.install.find((x) => x.record.name === "web")).toMatchObject({ auto: false, reason: "requested" });
    expect(p.install.find((x) => x.record.name === "libssl3")).toMatchObject({ auto: true, reason: "web depends on libssl3 (>= 3.0)" });
  });

  test("the highest version that satisfies the constraint", () => {
    const p = plan(`Package: a
Version: 1
Depends: b (<< 2.0)

Package: b
Version: 2.1

Package: b
Version: 1.9

Package: b
Version: 1.5
`, ["a"]);
    expect(p.install.map((x) => `${x.record.name}=${x.record.version}`)).toEqual(["b=1.9", "a=1"]);
  });

  test("an exact version with name=version", () => {
    const p = plan("Package: b\nVersion: 2\n\nPackage: b\nVersion: 1\n", ["b=1"]);
    expect(p.install[0]!.record.version).toBe("1");
  });

  test("alternatives: the first that can be installed, else the next", () => {
    const repo = `Package: app
Version: 1
Depends: first | second

Package: first
Version: 1
Depends: missing-lib

Package: second
Version: 1
`;
    expect(names(plan(repo, ["app"]))).toEqual(["second", "app"]);
  });

  test("an alternative already present satisfies the dependency", () => {
    const p = plan("Package: app\nVersion: 1\nDepends: other | busybox\n\nPackage: other\nVersion: 1\n", ["app"]);
    expect(names(p)).toEqual(["app"]);
  });

  test("virtual packages through Provides", () => {
    const p = plan(`Package: cfg-user
Version: 1
Depends: debconf (>= 0.5) | debconf-2.0

Package: cdebconf
Version: 0.270
Provides: debconf-2.0
`, ["cfg-user"]);
    expect(names(p)).toEqual(["cdebconf", "cfg-user"]);
  });

  test("a versioned dependency is not satisfied by an unversioned Provides", () => {
    const err = (() => {
      try {
        plan("Package: a\nVersion: 1\nDepends: virt (>= 1)\n\nPackage: impl\nVersion: 1\nProvides: virt\n", ["a"]);
      } catch (e) {
        return e as PkgResolveError;
      }
    })();
    expect(err).toBeInstanceOf(PkgResolveError);
    expect(err!.message).toContain("a 1 depends on virt (>= 1)");
    expect(err!.message).toContain("no repository has virt");
  });

  test("a versioned Provides satisfies a versioned dependency", () => {
    expect(names(plan("Package: a\nVersion: 1\nDepends: virt (>= 1)\n\nPackage: impl\nVersion: 1\nProvides: virt (= 1.2)\n", ["a"]))).toEqual(["impl", "a"]);
  });

  test("installing a virtual name with one provider installs the provider; with several it asks", () => {
    expect(names(plan("Package: impl\nVersion: 1\nProvides: virt\n", ["virt"]))).toEqual(["impl"]);
    expect(() => plan("Package: i1\nVersion: 1\nProvides: virt\n\nPackage: i2\nVersion: 1\nProvides: virt\n", ["virt"])).toThrow("provided by i1, i2");
  });

  test("a missing dependency names the package and the dependency", () => {
    expect(() => plan("Package: a\nVersion: 1\nDepends: b\n\nPackage: b\nVersion: 1\nDepends: libgone (>= 2)\n", ["a"])).toThrow(
      "b 1 depends on libgone (>= 2): no repository has libgone",
    );
  });

  test("an unknown package is not found", () => {
    expect(() => plan("Package: a\nVersion: 1\n", ["zzz"])).toThrow(PkgNotFoundError);
    expect(() => plan("Package: a\nVersion: 1\n", ["a=2"])).toThrow("version 2 is not available (available: 1)");
  });

  test("a dependency the base image has at too old a version is refused, not upgraded", () => {
    expect(() => plan("Package: a\nVersion: 1\nDepends: libc6 (>= 2.40)\n\nPackage: libc6\nVersion: 2.40-1\n", ["a"])).toThrow(
      "cannot replace the base image's 2.36-9+deb12u14",
    );
  });

  test("Conflicts against an installed package refuse the install", () => {
    let err: PkgResolveError | undefined;
    try {
      plan("Package: a\nVersion: 1\nConflicts: old\n", ["a"], BASE, "Package: old\nVersion: 1\n");
    } catch (e) {
      err = e as PkgResolveError;
    }
    expect(err?.code).toBe("conflict");
    expect(err?.message).toContain("conflicts with installed old 1");
  });

  test("Breaks declared by an installed package refuse the install, both ways", () => {
    expect(() => plan("Package: a\nVersion: 1\n", ["a"], BASE, "Package: old\nVersion: 1\nBreaks: a (<< 2)\n")).toThrow("installed old 1 conflicts with it (a (<< 2))");
    expect(() => plan("Package: a\nVersion: 2\n", ["a"], BASE, "Package: old\nVersion: 1\nBreaks: a (<< 2)\n")).not.toThrow();
  });

  test("a conflict between two dependencies backtracks to another alternative", () => {
    const p = plan(`Package: app
Version: 1
Depends: x, y1 | y2

Package: x
Version: 1
Conflicts: y1

Package: y1
Version: 1

Package: y2
Version: 1
`, ["app"]);
    expect(names(p).sort()).toEqual(["app", "x", "y2"]);
  });

  test("a package that provides and conflicts with a virtual name does not conflict with itself", () => {
    expect(names(plan("Package: mta\nVersion: 1\nProvides: mail-transport-agent\nConflicts: mail-transport-agent\n", ["mta"]))).toEqual(["mta"]);
  });

  test("already present: installed or provided by the base image", () => {
    const p = plan("Package: a\nVersion: 1\n", ["a", "libc6", "busybox"], BASE, "Package: a\nVersion: 1\n");
    expect(p.install).toEqual([]);
    expect(p.already).toEqual([
      { name: "a", version: "1", origin: "installed" },
      { name: "libc6", version: "2.36-9+deb12u14", origin: "base" },
      { name: "busybox-static", version: "1:1.35.0-4+deb12u1+b1", origin: "base" },
    ]);
  });

  test("another architecture is ignored", () => {
    expect(() => plan("Package: a\nVersion: 1\nArchitecture: arm64\n", ["a"])).toThrow(PkgNotFoundError);
    expect(names(plan("Package: a\nVersion: 1\nArchitecture: all\n", ["a"]))).toEqual(["a"]);
  });

  test("dependency cycles are fine", () => {
    expect(names(plan("Package: a\nVersion: 1\nDepends: b\n\nPackage: b\nVersion: 1\nDepends: a\n", ["a"])).sort()).toEqual(["a", "b"]);
  });
});

describe("resolveRemove", () => {
  const installed = `Package: web
Version: 1
Depends: web-common, libssl3

Package: web-common
Version: 1

Package: libssl3
Version: 3

Package: tool
Version: 1
Depends: libssl3
`;
  const state = () => present(BASE, installed, ["web-common", "libssl3"]);

  test("refuses while another installed package depends on it", () => {
    expect(() => resolveRemove(["libssl3"], state(), { cascade: false, autoremove: false })).toThrow(PkgNeededError);
    expect(() => resolveRemove(["libssl3"], state(), { cascade: false, autoremove: false })).toThrow("libssl3 is needed by installed web 1");
  });

  test("cascade removes the dependents first", () => {
    const p = resolveRemove(["libssl3"], state(), { cascade: true, autoremove: false });
    const order = p.remove.map((x) => x.record.name);
    expect(order.sort()).toEqual(["libssl3", "tool", "web"]);
    const pos = (n: string) => p.remove.findIndex((x) => x.record.name === n);
    expect(pos("web")).toBeLessThan(pos("libssl3"));
    expect(pos("tool")).toBeLessThan(pos("libssl3"));
  });

  test("autoremove takes the dependencies nothing kept needs", () => {
    const p = resolveRemove(["web"], state(), { cascade: false, autoremove: true });
    // libssl3 stays: tool (installed by hand) needs it.
    expect(p.remove.map((x) => x.record.name)).toEqual(["web", "web-common"]);
    expect(p.remove[1]!.reason).toBe("installed as a dependency and no longer needed");
  });

  test("the base image and what is not installed cannot be removed", () => {
    expect(() => resolveRemove(["libc6"], state(), { cascade: true, autoremove: true })).toThrow("part of the base image");
    expect(() => resolveRemove(["nope"], state(), { cascade: true, autoremove: true })).toThrow(PkgNotInstalledError);
  });
});
