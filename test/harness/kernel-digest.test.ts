import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kernelDigest, registersDigest } from "./kernel-digest";

describe("kernelDigest", () => {
  test("a guest idle in an init that sleeps: both CPUs idle, nothing blocked (as a real boot printed it)", () => {
    const text = readFileSync(join(import.meta.dir, "fixtures/sysrq-idle.txt"), "utf8");
    expect(kernelDigest(text)).toBe("at 18.2 s of guest uptime, cpu1 idle, cpu0 idle; no task blocked");
  });

  test("a task blocked in D state names where it waits; a busy CPU names what it runs, guessed frames left out", () => {
    const text = [
      "[   20.558920] sysrq: Show Blocked State",
      "[   20.559000] task:mount           state:D stack:0     pid:63    ppid:1      flags:0x00004000",
      "[   20.559100] Call Trace:",
      "[   20.559110]  <TASK>",
      "[   20.559120]  __schedule+0x34d/0x9e0",
      "[   20.559130]  schedule+0x5a/0xd0",
      "[   20.559140]  io_schedule+0x42/0x70",
      "[   20.559150]  bit_wait_io+0xd/0x60",
      "[   20.559160]  ? __wait_on_bit+0x4b/0x140",
      "[   20.559170]  out_of_line_wait_on_bit+0x91/0xb0",
      "[   20.559180]  __sync_dirty_buffer+0xe4/0x110",
      "[   20.559190]  ext4_commit_super+0x10/0x20",
      "[   20.559200]  </TASK>",
      "[   22.865360] NMI backtrace for cpu 0",
      "[   22.865609] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-56-cloud-amd64 #1",
      "[   22.869227] Call Trace:",
      "[   22.871594]  dump_stack_lvl+0x44/0x5c",
      "[   22.871875]  nmi_cpu_backtrace.cold+0x32/0x79",
      "[   22.879331] RIP: 0010:jbd2_journal_recover+0xb/0x10",
      "[   22.881247] RSP: 0018:ffffc9000009bed8 EFLAGS: 00000246",
      "[   22.883829]  ext4_load_journal+0x38/0xf0",
      "[   22.883942]  ext4_fill_super+0x26/0x30",
      "[   22.885202]  mount_bdev+0xe4/0xeb",
      "[   22.885487] Sending NMI from CPU 0 to CPUs 1:",
      "[   22.889722] NMI backtrace for cpu 1 skipped: idling at native_safe_halt+0xb/0x10",
    ].join("\n");
    expect(kernelDigest(text)).toBe(
      "at 20.6 s of guest uptime, cpu0 in jbd2_journal_recover < ext4_load_journal < ext4_fill_super < mount_bdev, cpu1 idle; " +
        "blocked: mount in bit_wait_io < out_of_line_wait_on_bit < __sync_dirty_buffer < ext4_commit_super",
    );
  });

  test("nothing answered: empty, so the caller says so", () => {
    expect(kernelDigest("")).toBe("");
    expect(kernelDigest("[    1.0] random: crng init done\n")).toBe("");
  });
});

describe("registersDigest", () => {
  test("QEMU's registers of a guest whose init spins: one vCPU halted in the kernel, the other running user code (as QEMU 7.2 printed them)", () => {
    const text = [
      "CPU#0",
      "RAX=000000000001ad40 RBX=0000000000000000 RCX=7ffffffe1e64fbff RDX=4000000000000000",
      "RIP=ffffffff81a17a0b RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1",
      "CS =0010 0000000000000000 ffffffff 00af9b00 DPL=0 CS64 [-RA]",
      "CPU#1",
      "RAX=0000000000000000 RBX=0000000000000000 RCX=00000000fbad2084 RDX=0000000000000000",
      "RIP=000000000052e958 RFL=00000246 [---Z-P-] CPL=3 II=0 A20=1 SMM=0 HLT=0",
    ].join("\n");
    expect(registersDigest(text)).toBe("cpu0 halted (kernel), cpu1 running user at 52e958");
  });

  test("a kernel spinning with interrupts off says so; nothing read is empty", () => {
    expect(registersDigest("CPU#0\nRAX=0\nRIP=ffffffff81000010 RFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0")).toBe(
      "cpu0 running kernel at ffffffff81000010, interrupts off",
    );
    expect(registersDigest("")).toBe("");
  });
});
