/**
 * Hostname and time zone: what is a valid name, the zone check against real
 * zoneinfo files (this host's tzdata, as dev mode uses), /etc/localtime put
 * back exactly, and what Bun does with TZ at run time (aios-init relies on it).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sysHostname } from "./hostname";
import { clockIn, closestZones, HOSTNAME, readLocaltime, readSetting, writeLocaltime, writeSetting, ZONEINFO, zoneOfLocaltime, zoneProblem } from "./settings";
import { sysTimezone } from "./timezone";

const dir = mkdtempSync(join(tmpdir(), "aios-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasTzdata = existsSync(join(ZONEINFO, "Europe/Berlin"));

describe("hostnames", () => {
  test("RFC 1123 labels, dot-separated, 64 characters at most", () => {
    for (const ok of ["aios", "web-1", "web1.example.org", "A1", "x".repeat(63), `${"a".repeat(31)}.${"b".repeat(32)}`]) expect(HOSTNAME.test(ok)).toBe(true);
    for (const bad of ["", "-web", "web-", "web_1", "web..org", ".web", "web.", "x".repeat(64), `${"a".repeat(32)}.${"b".repeat(32)}`, "wéb", "web 1"]) {
      expect({ bad, ok: HOSTNAME.test(bad) }).toEqual({ bad, ok: false });
    }
  });

  test("stored one line on the data disk; null forgets it", () => {
    expect(readSetting(dir, "hostname")).toBeNull();
    writeSetting(dir, "hostname", "node7");
    expect(readSetting(dir, "hostname")).toBe("node7");
    writeSetting(dir, "hostname", null);
    expect(readSetting(dir, "hostname")).toBeNull();
  });

  test("the summary names the new and old name, and a kernel command line that wins at boot", () => {
    expect(sysHostname.summarize!({ hostname: "web1", previous: "aios", live: true, persisted: true, bootOverride: null }, { name: "web1" })).toBe(
      "Hostname is now web1 (was aios), and stays so at every boot.",
    );
    expect(sysHostname.summarize!({ hostname: "web1", previous: "aios", live: true, persisted: true, bootOverride: "node1" }, { name: "web1" })).toContain(
      "The kernel command line sets aios.hostname=node1, which wins at boot.",
    );
  });
});

describe.skipIf(!hasTzdata)("time zones (this host's tzdata)", () => {
  test("a zone file is accepted; a mistyped one gets the closest names", () => {
    expect(zoneProblem(ZONEINFO, "Europe/Berlin")).toBeNull();
    expect(zoneProblem(ZONEINFO, "UTC")).toBeNull();
    expect(zoneProblem(ZONEINFO, "America/Argentina/Buenos_Aires")).toBeNull();
    expect(zoneProblem(ZONEINFO, "Europe/Berln")).toContain("did you mean Europe/Berlin");
    expect(zoneProblem(ZONEINFO, "europe/berlin")).toContain("did you mean Europe/Berlin");
    expect(closestZones(ZONEINFO, "utc")).toContain("UTC");
    expect(zoneProblem(ZONEINFO, "Mars/Olympus_Mons")).toBe(`no time zone Mars/Olympus_Mons in ${ZONEINFO}`);
    expect(zoneProblem(ZONEINFO, "../../etc/passwd")).toContain("must be a time zone name");
  });

  test("only TZif files inside the zoneinfo directory: not a link out of it, not another file", () => {
    const zi = join(dir, "zoneinfo");
    mkdirSync(join(zi, "Europe"), { recursive: true });
    symlinkSync("/etc/passwd", join(zi, "Europe/Escape"));
    writeFileSync(join(zi, "Fake"), "not a zone file");
    symlinkSync(join(ZONEINFO, "Europe/Berlin"), join(zi, "Europe/Berlin"));
    expect(zoneProblem(zi, "Europe/Escape")).toContain("is not a zone file");
    expect(zoneProblem(zi, "Fake")).toContain("is not a zone file");
    expect(zoneProblem(zi, "Europe/Berlin")).toContain("is not a zone file"); // it resolves outside zi
  });

  test("the local time and offset come from ICU for the zone asked, whatever the process's TZ", () => {
    const winter = new Date("2025-01-31T12:00:00Z");
    expect(clockIn("Europe/Berlin", winter)).toEqual({ localTime: "2025-01-31 13:00:00", utcOffset: "+01:00" });
    expect(clockIn("Asia/Kolkata", winter)).toEqual({ localTime: "2025-01-31 17:30:00", utcOffset: "+05:30" });
    expect(clockIn("UTC", winter)).toEqual({ localTime: "2025-01-31 12:00:00", utcOffset: "+00:00" });
    expect(clockIn("Not/AZone", winter)).toBeNull();
  });

  test("Bun follows process.env.TZ at run time (what sys.timezone and boot set in PID 1)", () => {
    const before = process.env.TZ;
    const at = new Date("2025-01-31T12:00:00Z");
    try {
      process.env.TZ = "Asia/Tokyo";
      expect(at.toString()).toContain("21:00:00 GMT+0900");
      process.env.TZ = "Europe/Berlin";
      expect(at.toString()).toContain("13:00:00 GMT+0100");
      expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe("Europe/Berlin");
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  test("the summary gives the zone, offset and local time", () => {
    const o = { zone: "Europe/Berlin", previous: "UTC", localtime: "/etc/localtime -> /usr/share/zoneinfo/Europe/Berlin", localTime: "2025-01-31 13:00:00", utcOffset: "+01:00", live: true, persisted: true };
    expect(sysTimezone.summarize!(o, { zone: "Europe/Berlin" })).toBe("Time zone is now Europe/Berlin (UTC+01:00; local time 2025-01-31 13:00:00), was UTC; kept for every boot.");
  });
});

describe("/etc/localtime", () => {
  test("a link, a file or nothing: each put back exactly", () => {
    const path = join(dir, "etc/localtime");
    expect(readLocaltime(path)).toEqual({ kind: "none" });
    writeLocaltime(path, { kind: "link", target: "/usr/share/zoneinfo/Europe/Berlin" });
    const link = readLocaltime(path);
    expect(link).toEqual({ kind: "link", target: "/usr/share/zoneinfo/Europe/Berlin" });
    expect(zoneOfLocaltime(link)).toBe("Europe/Berlin");
    writeLocaltime(path, { kind: "file", base64: Buffer.from("TZif2...").toString("base64") });
    expect(readLocaltime(path)).toEqual({ kind: "file", base64: Buffer.from("TZif2...").toString("base64") });
    writeLocaltime(path, link);
    expect(readLocaltime(path)).toEqual(link);
    writeLocaltime(path, { kind: "none" });
    expect(readLocaltime(path)).toEqual({ kind: "none" });
  });
});
