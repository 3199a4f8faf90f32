/**
 * utmp, the login records getty/login (and sshd, tmux...) keep in /run/utmp:
 * parsed by hand because it is a fixed binary struct and nothing in the
 * compiled binary reads it. The layout is glibc's on 64-bit Linux
 * (bits/utmp.h, with __WORDSIZE_TIME64_COMPAT32, so times are 32-bit):
 *
 *   0 ut_type i16 (+2 pad) · 4 ut_pid i32 · 8 ut_line[32] · 40 ut_id[4]
 *   44 ut_user[32] · 76 ut_host[256] · 332 ut_exit {i16, i16}
 *   336 ut_session i32 · 340 ut_tv {i32 sec, i32 usec} · 348 ut_addr_v6 i32[4]
 *   364 reserved[20] · 384 bytes in all, little-endian on x86_64 and aarch64.
 *
 * musl writes no utmp at all, and BusyBox only with FEATURE_UTMP.
 */
import { readFileSync } from "node:fs";
import { errorCode } from "./errors";
import { hexToIPv6 } from "./netinfo";

export const UTMP_RECORD_SIZE = 384;

/** ut_type values (bits/utmp.h). */
export const UT_TYPES = ["empty", "run-level", "boot-time", "new-time", "old-time", "init-process", "login-process", "user-process", "dead-process", "accounting"] as const;
export type UtmpType = (typeof UT_TYPES)[number] | "unknown";

export interface UtmpRecord {
  type: UtmpType;
  pid: number;
  /** The terminal, without /dev/ (`ttyS0`, `pts/0`). */
  line: string;
  id: string;
  user: string;
  /** Where the login came from (a host name or address), empty for local logins. */
  host: string;
  /** Seconds since the epoch, with microseconds as a fraction. */
  time: number;
  /** IPv4 or IPv6 address of a remote login, or null. */
  address: string | null;
}

/** A NUL-padded fixed-size char array (not necessarily NUL-terminated when full). */
function cString(buf: Buffer, start: number, size: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString("utf8", start, end < 0 || end > start + size ? start + size : end);
}

/** ut_addr_v6 is in network order; glibc puts an IPv4 address in the first word alone. */
function address(buf: Buffer, at: number): string | null {
  const words = [0, 1, 2, 3].map((i) => buf.readUInt32BE(at + i * 4));
  if (words.every((w) => w === 0)) return null;
  if (words[1] === 0 && words[2] === 0 && words[3] === 0) return [0, 1, 2, 3].map((i) => buf[at + i]).join(".");
  return hexToIPv6(buf.toString("hex", at, at + 16));
}

/** Every whole record in a utmp file; a trailing partial record (a writer mid-update) is ignored. */
export function parseUtmp(buf: Buffer): UtmpRecord[] {
  const out: UtmpRecord[] = [];
  for (let at = 0; at + UTMP_RECORD_SIZE <= buf.length; at += UTMP_RECORD_SIZE) {
    const type = buf.readInt16LE(at);
    out.push({
      type: UT_TYPES[type] ?? "unknown",
      pid: buf.readInt32LE(at + 4),
      line: cString(buf, at + 8, 32),
      id: cString(buf, at + 40, 4),
      user: cString(buf, at + 44, 32),
      host: cString(buf, at + 76, 256),
      time: buf.readInt32LE(at + 340) + buf.readInt32LE(at + 344) / 1e6,
      address: address(buf, at + 348),
    });
  }
  return out;
}

/** Where glibc looks (_PATH_UTMP is /var/run/utmp, a link to /run/utmp on current systems). */
export const UTMP_PATHS = ["/run/utmp", "/var/run/utmp"] as const;

/** The first utmp file that exists and its records, or null when none does (nothing on this system keeps login records). */
export function readUtmp(paths: readonly string[] = UTMP_PATHS): { path: string; records: UtmpRecord[] } | null {
  for (const path of paths) {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (err) {
      if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") continue;
      throw err;
    }
    return { path, records: parseUtmp(buf) };
  }
  return null;
}
