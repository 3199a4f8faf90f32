/**
 * One line from what the guest's kernel printed for SysRq w (blocked tasks)
 * and l (every CPU's backtrace): where each CPU is and which tasks wait in D
 * state, and on what. CI shows only the last lines of its log, so a boot
 * that hangs must say this in the first line of the failure, which
 * test/harness/failures.ts prints last.
 */

/** Frames that every backtrace has and that say nothing of where the code was. */
const NOISE = new Set([
  "__schedule", "schedule", "schedule_timeout", "schedule_preempt_disabled", "io_schedule", "io_schedule_timeout",
  "dump_stack_lvl", "nmi_cpu_backtrace", "nmi_trigger_cpumask_backtrace", "__handle_sysrq", "asm_common_interrupt",
  "common_interrupt", "__common_interrupt", "handle_edge_irq", "handle_irq_event", "__handle_irq_event_percpu",
  "serial8250_interrupt", "serial8250_default_handle_irq", "serial8250_handle_irq", "lapic_can_unplug_cpu",
  "entry_SYSCALL_64_after_hwframe", "do_syscall_64", "ret_from_fork",
]);
const IDLE = /^(native_safe_halt|default_idle|amd_e400_idle|default_idle_call|do_idle|cpu_startup_entry|start_secondary|secondary_startup_64_no_verify|acpi_idle_do_entry|mwait_idle)$/;

/** A frame's function, as the kernel prints it: "[ t]  ? name+0x1/0x2" → name (guessed frames, with "?", are skipped). */
function frame(line: string): string | null {
  const m = line.match(/^\s*(?:\[\s*[\d.]+\]\s*)?(\?\s+)?([A-Za-z_][\w.]*)\+0x[0-9a-f]+\/0x[0-9a-f]+/);
  if (!m || m[1]) return null;
  const name = m[2]!.replace(/\.cold$/, "");
  return NOISE.has(name) ? null : name;
}

/** "at 18.2 s of guest uptime, cpu0 idle, cpu1 in ext4_fill_super < mount_bdev; blocked: modprobe in blk_mq_freeze_queue < ..." (empty: nothing printed). */
export function kernelDigest(text: string): string {
  const lines = text.split("\n");
  const cpus: string[] = [];
  const blocked: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const skipped = line.match(/NMI backtrace for cpu (\d+) skipped: idling at (\w+)/);
    if (skipped) {
      cpus.push(`cpu${skipped[1]} idle`);
      continue;
    }
    const cpu = line.match(/NMI backtrace for cpu (\d+)$/);
    const task = line.match(/task:(\S+)\s+state:D/);
    if (!cpu && !task) continue;
    // The frames up to the next header; for a CPU, from its RIP on (what ran before the NMI).
    const frames: string[] = [];
    let from = cpu ? lines.findIndex((l, j) => j > i && /RIP: \w+:/.test(l)) : i + 1;
    if (from < 0) from = i + 1;
    const rip = lines[from]?.match(/RIP: \w+:([A-Za-z_][\w.]*)\+/)?.[1];
    if (rip && !NOISE.has(rip)) frames.push(rip);
    for (let j = from + 1; j < lines.length && frames.length < 4; j++) {
      const l = lines[j]!;
      if (/NMI backtrace for cpu|task:\S+\s+state:|Sending NMI from/.test(l)) break;
      const f = frame(l);
      if (f && f !== frames.at(-1)) frames.push(f);
    }
    if (cpu) cpus.push(frames.length === 0 || frames.every((f) => IDLE.test(f)) ? `cpu${cpu[1]} idle` : `cpu${cpu[1]} in ${frames.join(" < ")}`);
    else blocked.push(`${task![1]} in ${frames.join(" < ") || "?"}`);
  }
  if (cpus.length === 0 && blocked.length === 0) return "";
  // The guest's own clock at the question: far behind the wall clock means the guest barely ran.
  const uptime = text.match(/^\[\s*([\d.]+)\]/m)?.[1];
  const at = uptime ? `at ${Number(uptime).toFixed(1)} s of guest uptime, ` : "";
  return `${at}${cpus.join(", ") || "no CPU backtrace"}; ${blocked.length ? `blocked: ${blocked.join("; ")}` : "no task blocked"}`;
}

/**
 * One line from QEMU's monitor `info registers -a`: for each vCPU whether it
 * is halted, in the kernel or in user space (CPL), with interrupts on or off
 * (RFLAGS.IF) and its RIP. It answers where SysRq cannot: a kernel spinning
 * with interrupts off, or not started at all.
 */
export function registersDigest(text: string): string {
  const cpus: string[] = [];
  for (const m of text.matchAll(/CPU#(\d+)\s*\nRAX=[\s\S]*?RIP=([0-9a-f]+) RFL=([0-9a-f]+)[^\n]*?CPL=(\d)[^\n]*?HLT=(\d)/g)) {
    const [, n, rip, rfl, cpl, hlt] = m;
    const irq = (parseInt(rfl!, 16) & 0x200) !== 0 ? "" : ", interrupts off";
    const mode = cpl === "3" ? "user" : "kernel";
    cpus.push(hlt === "1" ? `cpu${n} halted (${mode}${irq})` : `cpu${n} running ${mode} at ${rip!.replace(/^0+(?=.)/, "")}${irq}`);
  }
  return cpus.join(", ");
}
