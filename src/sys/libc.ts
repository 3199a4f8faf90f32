/**
 * Every libc call aiOS makes, in one place, over bun:ffi. Nothing else in the
 * tree may dlopen libc: keeping the surface this small is what lets PID 1 stay
 * auditable. libc is opened lazily so that dev mode and unit tests, which never
 * mount or reboot, pay nothing for it.
 */
import { dlopen, FFIType, type Pointer, read, ptr } from "bun:ffi";
import { SysError } from "./errors";

const { i32, i64, u64, ptr: pointer } = FFIType;

const symbols = {
  mount: { args: [pointer, pointer, pointer, u64, pointer], returns: i32 },
  umount2: { args: [pointer, i32], returns: i32 },
  reboot: { args: [i32], returns: i32 },
  sethostname: { args: [pointer, u64], returns: i32 },
  waitpid: { args: [i32, pointer, i32], returns: i32 },
  kill: { args: [i32, i32], returns: i32 },
  sync: { args: [], returns: FFIType.void },
  syncfs: { args: [i32], returns: i32 },
  sync_file_range: { args: [i32, i64, i64, FFIType.u32], returns: i32 },
  // syscall(2) is variadic; on x86-64 its integer arguments travel in the same registers as fixed ones.
  syscall: { args: [i64, i32, pointer, i32], returns: i64 },
  socket: { args: [i32, i32, i32], returns: i32 },
  ioctl: { args: [i32, u64, pointer], returns: i32 },
  close: { args: [i32], returns: i32 },
  __errno_location: { args: [], returns: pointer },
  clock_gettime: { args: [i32, pointer], returns: i32 },
  // mmap's result as u64: MAP_FAILED is (void *)-1, which a pointer result turns into an inexact double.
  mmap: { args: [pointer, u64, i32, i32, i32, i64], returns: u64 },
  munmap: { args: [pointer, u64], returns: i32 },
  mincore: { args: [pointer, u64, pointer], returns: i32 },
} as const;

type Libc = ReturnType<typeof dlopen<typeof symbols>>["symbols"];
let libc: Libc | undefined;

function lib(): Libc {
  libc ??= dlopen("libc.so.6", symbols).symbols;
  return libc;
}

function errno(): number {
  const at = lib().__errno_location();
  return at ? read.i32(at, 0) : 0;
}

/** NUL-terminated copy of a JS string, or null for an absent argument. */
function cstr(s: string | null): Buffer | null {
  return s === null ? null : Buffer.from(`${s}\0`);
}

function check(rc: number, what: string): number {
  if (rc < 0) throw new SysError(errno(), what);
  return rc;
}

export const MS = {
  RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, REMOUNT: 32, NOATIME: 1024, RELATIME: 1 << 21,
} as const;

export const MNT_DETACH = 2;

/** reboot(2) commands; the values are unsigned in the ABI, so they are passed as int32. */
export const RB = {
  AUTOBOOT: 0x01234567,
  HALT_SYSTEM: 0xcdef0123 | 0,
  POWER_OFF: 0x4321fedc,
  ENABLE_CAD: 0x89abcdef | 0,
  /** With CAD disabled the kernel sends SIGINT to PID 1 instead of rebooting. */
  DISABLE_CAD: 0,
} as const;

export const WNOHANG = 1;

export function mount(source: string, target: string, fstype: string | null, flags = 0, data: string | null = null): void {
  check(lib().mount(cstr(source), cstr(target), cstr(fstype), flags, cstr(data)), `mount ${fstype ?? source} on ${target}`);
}

export function umount2(target: string, flags = 0): void {
  check(lib().umount2(cstr(target), flags), `umount ${target}`);
}

export function reboot(cmd: number): void {
  check(lib().reboot(cmd), "reboot");
}

export function sethostname(name: string): void {
  const buf = Buffer.from(name);
  check(lib().sethostname(buf, buf.length), `sethostname ${name}`);
}

/** Non-blocking waitpid of one pid: returns its exit status, or null if it has not exited. */
export function waitpidNoHang(pid: number): { status: number } | null {
  const status = new Int32Array(1);
  const rc = check(lib().waitpid(pid, ptr(status), WNOHANG), `waitpid ${pid}`);
  return rc === 0 ? null : { status: status[0]! };
}

export function kill(pid: number, signal: number): void {
  check(lib().kill(pid, signal), `kill ${pid}`);
}

export function sync(): void {
  lib().sync();
}

/**
 * syncfs(2): everything written to the filesystem that holds `fd` (data and
 * metadata of every file) is on disk when it returns. dpkg's way to make a
 * whole package durable with one call instead of one fsync per file.
 */
export function syncfs(fd: number, what: string): void {
  check(lib().syncfs(fd), what);
}

/** sync_file_range(2) flags: wait for writeback already running, start it, wait for it. */
const SYNC_FILE_RANGE_WAIT_BEFORE = 1;
const SYNC_FILE_RANGE_WRITE = 2;
const SYNC_FILE_RANGE_WAIT_AFTER = 4;

/**
 * Starts writing every dirty page of each file in `fds` to its disk (all
 * first, so the writes run together), then waits until each has been
 * written: sync_file_range(2) over the whole file. No flush and no journal
 * commit: what was written sits in the disk's volatile cache until the next
 * flush of that disk (see fs-kind.ts for the filesystems where that is a
 * promise worth building on).
 */
export function writeOut(fds: readonly number[], what: string): void {
  for (const fd of fds) check(lib().sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE), what);
  for (const fd of fds) check(lib().sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER), what);
}

const SYS_finit_module = 313; // x86-64; glibc has no wrapper
/** finit_module flag: the file is compressed (.ko.xz, .ko.zst) and the kernel decompresses it. */
export const MODULE_INIT_COMPRESSED_FILE = 4;

/** finit_module(2): load the kernel module open on `fd`, as modprobe does once it has found the file. */
export function finitModule(fd: number, what: string, flags = 0): void {
  check(Number(lib().syscall(SYS_finit_module, fd, cstr(""), flags)), what);
}

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const SIOCADDRT = 0x890b;
const SIOCSIFADDR = 0x8916;
const SIOCSIFNETMASK = 0x891c;
const IFF_UP = 0x1;
/** struct ifreq: the name (IFNAMSIZ bytes, NUL-terminated), then a 24-byte union whose first member is ifr_flags. */
const IFNAMSIZ = 16;
const IFREQ_BYTES = 40;
const ENODEV = 19;

/** `ip link set NAME up` without a process: SIOCSIFFLAGS on a datagram socket. */
export function linkUp(name: string): void {
  const what = `link ${name} up`;
  const req = Buffer.alloc(IFREQ_BYTES);
  if (!name || name.includes("\0") || req.write(name, "utf8") >= IFNAMSIZ) throw new SysError(ENODEV, what);
  const fd = check(lib().socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), what);
  try {
    check(lib().ioctl(fd, SIOCGIFFLAGS, ptr(req)), what);
    req.writeInt16LE(req.readInt16LE(IFNAMSIZ) | IFF_UP, IFNAMSIZ);
    check(lib().ioctl(fd, SIOCSIFFLAGS, ptr(req)), what);
  } finally {
    lib().close(fd);
  }
}

/** A struct sockaddr_in (16 bytes) for an IPv4 address in dotted form, written at `off`. */
function sockaddrIn(buf: Buffer, off: number, address: string, what: string): void {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new SysError(EINVAL, what);
  buf.writeUInt16LE(AF_INET, off);
  parts.forEach((p, i) => buf.writeUInt8(p, off + 4 + i));
}

const EINVAL = 22;

function inetIoctl(what: string, calls: Array<[number, Buffer]>): void {
  const fd = check(lib().socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), what);
  try {
    for (const [request, arg] of calls) check(lib().ioctl(fd, request, ptr(arg)), what);
  } finally {
    lib().close(fd);
  }
}

/** `ip addr add ADDRESS/PREFIX dev NAME` without a process: SIOCSIFADDR, then SIOCSIFNETMASK. */
export function addIpv4Address(name: string, address: string, prefix: number): void {
  const what = `address ${address}/${prefix} on ${name}`;
  if (!name || name.includes("\0") || Buffer.byteLength(name) >= IFNAMSIZ) throw new SysError(ENODEV, what);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new SysError(EINVAL, what);
  const req = () => {
    const b = Buffer.alloc(IFREQ_BYTES);
    b.write(name, "utf8");
    return b;
  };
  const addr = req();
  sockaddrIn(addr, IFNAMSIZ, address, what);
  const mask = req();
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  sockaddrIn(mask, IFNAMSIZ, [24, 16, 8, 0].map((sh) => (bits >>> sh) & 0xff).join("."), what);
  inetIoctl(what, [[SIOCSIFADDR, addr], [SIOCSIFNETMASK, mask]]);
}

/** struct rtentry on x86-64: rt_dst at 8, rt_gateway at 24, rt_genmask at 40, rt_flags at 56; 120 bytes. */
const RTENTRY_BYTES = 120;
const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** `ip route add default via GATEWAY` without a process: SIOCADDRT (the kernel picks the device that reaches it). */
export function addDefaultRoute(gateway: string): void {
  const what = `default route via ${gateway}`;
  const rt = Buffer.alloc(RTENTRY_BYTES);
  sockaddrIn(rt, 8, "0.0.0.0", what);
  sockaddrIn(rt, 24, gateway, what);
  sockaddrIn(rt, 40, "0.0.0.0", what);
  rt.writeUInt16LE(RTF_UP | RTF_GATEWAY, 56);
  inetIoctl(what, [[SIOCADDRT, rt]]);
}

const CLOCK_THREAD_CPUTIME_ID = 3;
const timespec = new BigInt64Array(2);

/**
 * The calling thread's CPU time (ms), to the nanosecond: benchmarks time
 * sub-millisecond steps on busy cores with it (process.threadCpuUsage()
 * moves in scheduler ticks, 4 ms here).
 */
export function threadCpuMs(): number {
  check(lib().clock_gettime(CLOCK_THREAD_CPUTIME_ID, ptr(timespec)), "clock_gettime");
  return Number(timespec[0]) * 1e3 + Number(timespec[1]) / 1e6;
}

/** The page size of x86-64 Linux, the only target: mincore(2) reports in these. */
export const PAGE_SIZE = 4096;
const PROT_READ = 1;
const MAP_SHARED = 1;
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/**
 * Which pages of an open file are in the page cache: mincore(2) over a read-only
 * shared mapping of it, one byte a page, bit 0 set when resident. Neither call
 * reads the file or touches a page, so asking changes nothing.
 */
export function residentPages(fd: number, size: number): Uint8Array {
  const vec = new Uint8Array(Math.ceil(size / PAGE_SIZE));
  if (size === 0) return vec;
  const at = lib().mmap(null, size, PROT_READ, MAP_SHARED, fd, 0);
  if (at === MAP_FAILED) throw new SysError(errno(), "mmap");
  const addr = Number(at) as Pointer; // user addresses are below 2^47: exact as a double
  try {
    check(lib().mincore(addr, size, ptr(vec)), "mincore");
  } finally {
    lib().munmap(addr, size);
  }
  return vec;
}
