/**
 * `make bench-boot`: boots the image N times under TCG and reports medians of
 * QEMU start → first PID-1 line, → ready line, → first HTTP 200 on the
 * forwarded port, per-phase times, PID 1's RSS, a clean poweroff (the API's
 * request → QEMU's exit: the ledger, the databases and the disks synced and
 * unmounted), and image sizes; against the floor measured in the same run: the
 * same kernel with a BusyBox-only initramfs whose /init prints a line and
 * powers off (its line → exit is the kernel's own poweroff).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDataImage, OUT, Vm } from "../harness/vm";

const RUNS = Number(process.env.RUNS ?? 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function firstHttp200(vm: Vm, t0: number): Promise<number> {
  for (;;) {
    try {
      const res = await vm.api("/health", { auth: false, signal: AbortSignal.timeout(500) });
      if (res.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await Bun.sleep(25);
  }
}

async function bootOnce(dataImg?: string) {
  const t0 = performance.now();
  const vm = Vm.boot({ dataImg });
  try {
    const http = firstHttp200(vm, t0);
    await vm.waitFor(/aios: /, 120_000);
    const firstLine = performance.now() - t0;
    await vm.waitFor(/aios: ready in (\d+) ms/, 120_000);
    const ready = performance.now() - t0;
    const httpMs = await http;
    const sys = (await (await vm.api("/api/v1/system")).json()) as any;
    const off = performance.now();
    await vm.api("/api/v1/power", { method: "POST", body: '{"action":"poweroff"}' });
    await vm.waitExit();
    const poweroff = performance.now() - off;
    return { poweroff, firstLine, ready, http: httpMs, rss: sys.rssBytes as number, mainMs: sys.boot.mainMs as number, readyMs: sys.boot.readyMs as number, phases: sys.boot.phases as Array<{ name: string; ms: number }> };
  } finally {
    await vm.dispose();
  }
}

async function floorOnce() {
  const t0 = performance.now();
  const vm = Vm.boot({ initrd: join(OUT, "floor.cpio") });
  try {
    await vm.waitFor(/floor: pid1/, 120_000);
    const line = performance.now() - t0;
    await vm.waitExit();
    return { line, exit: performance.now() - t0 };
  } finally {
    await vm.dispose();
  }
}

// Every measured boot finds its state already on the data disk, as every boot after the first does;
// the first boot of a blank disk (databases created, migrations run) is reported apart.
const diskDir = mkdtempSync(join(tmpdir(), "aios-bench-"));
const dataImg = freshDataImage(diskDir);
const firstBoot = await bootOnce(dataImg);
const runs: Array<Awaited<ReturnType<typeof bootOnce>>> = [];
const floors: Array<Awaited<ReturnType<typeof floorOnce>>> = [];
for (let i = 0; i < RUNS; i++) {
  floors.push(await floorOnce());
  runs.push(await bootOnce(dataImg));
  process.stderr.write(`run ${i + 1}/${RUNS}: ready ${Math.round(runs.at(-1)!.ready)} ms\n`);
}
rmSync(diskDir, { recursive: true, force: true });

const s = (ms: number) => (ms / 1000).toFixed(2);
const mib = (b: number) => (b / (1024 * 1024)).toFixed(1);
const floorLine = median(floors.map((f) => f.line));
const rows = [
  ["QEMU start → first PID-1 line", s(median(runs.map((r) => r.firstLine))), s(floorLine)],
  ["QEMU start → ready line", s(median(runs.map((r) => r.ready))), ""],
  ["QEMU start → first HTTP 200 on the host", s(median(runs.map((r) => r.http))), ""],
  ["QEMU start → ready line, first boot of a blank data disk (one run)", s(firstBoot.ready), ""],
  ["kernel start → aios-init main() (guest clock: kernel, initramfs, loading the program)", s(median(runs.map((r) => r.mainMs))), ""],
  ["aios-init main() → ready (guest clock: the boot phases)", s(median(runs.map((r) => r.readyMs - r.mainMs))), ""],
  ["clean poweroff: request → QEMU exit (floor: its line → exit)", s(median(runs.map((r) => r.poweroff))), s(median(floors.map((f) => f.exit - f.line)))],
];
const phaseNames = runs[0]!.phases.map((p) => p.name);
const phaseRows = phaseNames.map((name) => [name, String(median(runs.map((r) => r.phases.find((p) => p.name === name)?.ms ?? 0)))]);
const sizes = ["aios-init", "initramfs.cpio", "vmlinux", "floor.cpio"].map((f) => [f, mib(statSync(join(OUT, f)).size)]);

const table = (head: string[], body: string[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");

const ratio = median(runs.map((r) => r.firstLine)) / floorLine;
const readies = runs.map((r) => r.ready);
const readyMedian = median(readies);
const target = `Ready ${s(readyMedian)} s after QEMU start (median; runs ${s(Math.min(...readies))}–${s(Math.max(...readies))} s): target ≤ 5 s ${readyMedian <= 5000 ? "met" : "not met"}.`;
console.log(`## Boot (median of ${RUNS}, TCG, -cpu max,-erms,-fsrm, ${new Date().toISOString().slice(0, 10)})

${table(["measure", "aios (s)", "floor (s)"], rows)}

${target}
First PID-1 line vs floor: ${ratio.toFixed(2)}× (floor: same kernel, BusyBox-only initramfs, /init prints a line).
PID-1 RSS after ready: median ${mib(median(runs.map((r) => r.rss)))} MiB.

${table(["phase", "median ms"], phaseRows)}

${table(["file", "MiB"], sizes)}`);
