import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseUtmp, readUtmp, UTMP_RECORD_SIZE } from "./utmp";

const dir = mkdtempSync(join(tmpdir(), "aios-utmp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A record laid out by hand as glibc's struct utmp (x86_64). */
function record(f: { type: number; pid: number; line: string; id: string; user: string; host: string; sec: number; usec: number; addr?: number[] }): Buffer {
  const b = Buffer.alloc(UTMP_RECORD_SIZE);
  b.writeInt16LE(f.type, 0);
  b.writeInt32LE(f.pid, 4);
  b.write(f.line, 8, 32);
  b.write(f.id, 40, 4);
  b.write(f.user, 44, 32);
  b.write(f.host, 76, 256);
  b.writeInt32LE(f.sec, 340);
  b.writeInt32LE(f.usec, 344);
  (f.addr ?? []).forEach((byte, i) => b.writeUInt8(byte, 348 + i));
  return b;
}

describe("parseUtmp", () => {
  test("boot, user and dead records; IPv4 and IPv6 origins", () => {
    const buf = Buffer.concat([
      record({ type: 2, pid: 0, line: "~", id: "~~", user: "reboot", host: "6.1.0", sec: 1_700_000_000, usec: 0 }),
      record({ type: 7, pid: 412, line: "pts/0", id: "ts/0", user: "alice", host: "192.0.2.7", sec: 1_700_000_100, usec: 500_000, addr: [192, 0, 2, 7] }),
      record({ type: 7, pid: 413, line: "pts/1", id: "ts/1", user: "bob", host: "db.example", sec: 1_700_000_200, usec: 0, addr: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }),
      record({ type: 8, pid: 300, line: "ttyS0", id: "S0", user: "", host: "", sec: 1_700_000_050, usec: 0 }),
    ]);
    const r = parseUtmp(buf);
    expect(r.map((x) => x.type)).toEqual(["boot-time", "user-process", "user-process", "dead-process"]);
    expect(r[1]).toEqual({ type: "user-process", pid: 412, line: "pts/0", id: "ts/0", user: "alice", host: "192.0.2.7", time: 1_700_000_100.5, address: "192.0.2.7" });
    expect(r[2]!.address).toBe("2001:db8::1");
    expect(r[3]!.address).toBeNull();
  });
  test("a full-width field without a NUL, a trailing partial record", () => {
    const name = "u".repeat(32);
    const buf = Buffer.concat([record({ type: 7, pid: 1, line: "tty1", id: "1", user: name, host: "h".repeat(256), sec: 1, usec: 0 }), Buffer.alloc(100)]);
    const r = parseUtmp(buf);
    expect(r).toHaveLength(1);
    expect(r[0]!.user).toBe(name);
    expect(r[0]!.line).toBe("tty1");
    expect(r[0]!.host).toHaveLength(256);
  });
});

describe("readUtmp", () => {
  test("null when no file exists; the first that exists wins", () => {
    expect(readUtmp([join(dir, "none"), join(dir, "also-none")])).toBeNull();
    writeFileSync(join(dir, "utmp"), record({ type: 6, pid: 9, line: "ttyS0", id: "S0", user: "LOGIN", host: "", sec: 5, usec: 0 }));
    expect(readUtmp([join(dir, "none"), join(dir, "utmp")])).toEqual({
      path: join(dir, "utmp"),
      records: [{ type: "login-process", pid: 9, line: "ttyS0", id: "S0", user: "LOGIN", host: "", time: 5, address: null }],
    });
  });

  // glibc itself writes the records (pututline into a file named by utmpname), so the layout above is checked against the real one.
  const cc = Bun.which("cc") ?? Bun.which("gcc");
  test.skipIf(!cc)("reads what glibc's pututline wrote", () => {
    const src = join(dir, "w.c");
    writeFileSync(src, `#include <utmp.h>
#include <string.h>
#include <arpa/inet.h>
int main(int argc, char **argv) {
  struct utmp u; memset(&u, 0, sizeof u);
  if (utmpname(argv[1]) != 0) return 1;
  setutent();
  u.ut_type = USER_PROCESS; u.ut_pid = 4242;
  strncpy(u.ut_line, "pts/7", sizeof u.ut_line); strncpy(u.ut_id, "ts/7", sizeof u.ut_id);
  strncpy(u.ut_user, "carol", sizeof u.ut_user); strncpy(u.ut_host, "198.51.100.4", sizeof u.ut_host);
  u.ut_tv.tv_sec = 1700000123; u.ut_tv.tv_usec = 250000;
  inet_pton(AF_INET, "198.51.100.4", &u.ut_addr_v6[0]);
  if (!pututline(&u)) return 2;
  endutent();
  return 0;
}
`);
    const bin = join(dir, "w");
    const built = Bun.spawnSync([cc!, "-o", bin, src]);
    expect(built.stderr.toString()).toBe("");
    const file = join(dir, "glibc-utmp");
    writeFileSync(file, "");
    expect(Bun.spawnSync([bin, file]).exitCode).toBe(0);
    expect(readUtmp([file])!.records).toEqual([
      { type: "user-process", pid: 4242, line: "pts/7", id: "ts/7", user: "carol", host: "198.51.100.4", time: 1_700_000_123.25, address: "198.51.100.4" },
    ]);
  });
});
