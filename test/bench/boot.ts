/**
 * `make bench-boot`: boots the image N times under TCG and reports medians of
 * QEMU start → first PID-1 line, → ready line, → first HTTP 200 on the
 * forwarded port, where the time goes on the guest's clock (kernel, the
 * initramfs's /init, Bun starting the program, the program's modules, each
 * boot phase), QEMU's CPU time at the first line and at ready (the guest's
 * work, which a busy host inflates far less than wall time), PID 1's RSS, a
 * clean poweroff (the API's request → QEMU's exit: the ledger, the databases
 * and the disks synced and unmounted), and the sizes of what boots; against
 * the floor
 * measured in the same run, interleaved with the aios boots: the same kernel
 * with a BusyBox-only initramfs whose /init prints a line and powers off.
 * Then the issue-16 targets, each with its figure.
 *
 * The measured boots find the readahead list that the first boot recorded
 * (src/sys/readahead.ts), as every boot of an image after its first does; a
 * third kind of boot turns readahead off (aios.boot.readahead=false), to show
 * what it saves.
 *
 * Bun's start is split by two more kinds of boot, each with a /init that does
 * one thing more before it reads its end time and execs aios-init: "in RAM"
 * copies aios-init into the RAM overlay first (no page is read from the
 * system image then), "warm" runs `aios-init --version` once first (its pages
 * are in the page cache and TCG has translated the code Bun starts with).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PHASES } from "../../src/boot";
import { freshDataImage, initrdWith, OUT, ROOT, Vm } from "../harness/vm";

const RUNS = Number(process.env.RUNS ?? 5);
const MiB = 1024 * 1024;

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b); // a floor's QEMU may exit before its CPU time is read
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

async function bootOnce(dataImg?: string, initrd?: string, cmdlineExtra?: string) {
  const t0 = performance.now();
  const vm = Vm.boot({ dataImg, initrd, cmdlineExtra, retryStall: false }); // a stalled boot fails the bench, never hides in its times
  try {
    const http = firstHttp200(vm, t0);
    await vm.waitFor(/aios: /, 120_000);
    const firstLine = performance.now() - t0;
    const cpuFirstLine = vm.cpuMs();
    await vm.waitFor(/aios: ready in (\d+) ms/, 120_000);
    const ready = performance.now() - t0;
    const cpuReady = vm.cpuMs();
    const httpMs = await http;
    const sys = (await (await vm.api("/api/v1/system")).json()) as any;
    const off = performance.now();
    await vm.api("/api/v1/power", { method: "POST", body: '{"action":"poweroff"}' });
    await vm.waitExit();
    const poweroff = performance.now() - off;
    const b = sys.boot;
    return {
      poweroff, firstLine, ready, cpuFirstLine, cpuReady, http: httpMs, rss: sys.rssBytes as number,
      rssAnon: (sys.rss?.anonBytes ?? Number.NaN) as number, rssFile: (sys.rss?.fileBytes ?? Number.NaN) as number,
      initStart: b.initramfs?.startMs as number, initSwitch: b.initramfs?.switchMs as number,
      hello: b.helloMs as number, main: b.mainMs as number, readyMs: b.readyMs as number,
      phases: b.phases as Array<{ name: string; startMs?: number; ms: number }>,
    };
  } finally {
    await vm.dispose();
  }
}

async function floorOnce() {
  const t0 = performance.now();
  const vm = Vm.boot({ initrd: join(OUT, "floor.cpio"), retryStall: false });
  try {
    await vm.waitFor(/floor: pid1/, 120_000);
    const line = performance.now() - t0;
    const cpuLine = vm.cpuMs();
    await vm.waitExit();
    return { line, cpuLine, exit: performance.now() - t0 };
  } finally {
    await vm.dispose();
  }
}

// Every measured boot finds its state already on the data disk, as every boot after the first does;
// the first boot of a blank disk (databases created, migrations run) is reported apart.
const diskDir = mkdtempSync(join(tmpdir(), "aios-bench-"));
const dataImg = freshDataImage(diskDir);

/** The image's initramfs with /init replaced by one that runs `before` just ahead of its end time and the exec. */
function initrdDoing(name: string, before: string): string {
  const anchor = "read -r t1 _ </newroot/proc/uptime";
  const init = readFileSync(join(ROOT, "initramfs/init"), "utf8");
  if (!init.includes(anchor)) throw new Error(`initramfs/init has no line "${anchor}" to run the ${name} boot's step before`);
  return initrdWith(join(diskDir, name), { init: init.replace(anchor, `${before}\n${anchor}`) });
}
const inRam = initrdDoing("ram", "cat /lower/usr/sbin/aios-init >/newroot/usr/sbin/aios-init");
const warm = initrdDoing("warm", "chroot /newroot /usr/sbin/aios-init --version >/dev/null");
const SPLIT_RUNS = Math.min(RUNS, 3);
// The measured boots find the readahead list the first boot recorded (src/sys/readahead.ts); these three kinds
// boot without it (aios.boot.readahead=false: /init reads nothing ahead, the list stays): the in-RAM and warm
// boots so that no reading competes with what they measure.
const NO_READAHEAD = "aios.boot.readahead=false";
const firstBoot = await bootOnce(dataImg);
const runs: Array<Awaited<ReturnType<typeof bootOnce>>> = [];
const floors: Array<Awaited<ReturnType<typeof floorOnce>>> = [];
for (let i = 0; i < RUNS; i++) {
  floors.push(await floorOnce());
  runs.push(await bootOnce(dataImg));
  process.stderr.write(`run ${i + 1}/${RUNS}: floor ${Math.round(floors.at(-1)!.line)} ms, first line ${Math.round(runs.at(-1)!.firstLine)} ms, ready ${Math.round(runs.at(-1)!.ready)} ms\n`);
}
const ramRuns: Array<Awaited<ReturnType<typeof bootOnce>>> = [];
const warmRuns: Array<Awaited<ReturnType<typeof bootOnce>>> = [];
const coldRuns: Array<Awaited<ReturnType<typeof bootOnce>>> = [];
for (let i = 0; i < SPLIT_RUNS; i++) {
  coldRuns.push(await bootOnce(dataImg, undefined, NO_READAHEAD));
  ramRuns.push(await bootOnce(dataImg, inRam, NO_READAHEAD));
  warmRuns.push(await bootOnce(dataImg, warm, NO_READAHEAD));
}
rmSync(diskDir, { recursive: true, force: true });

const s = (ms: number) => (ms / 1000).toFixed(2);
const mib = (b: number) => (b / MiB).toFixed(1);
const med = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
const range = (xs: number[]) => `${s(Math.min(...xs))}–${s(Math.max(...xs))}`;
const floorLine = median(floors.map((f) => f.line));
const rows = [
  ["QEMU start → first PID-1 line", s(med((r) => r.firstLine)), s(floorLine)],
  ["QEMU start → ready line", s(med((r) => r.ready)), ""],
  ["QEMU start → first HTTP 200 on the host", s(med((r) => r.http)), ""],
  ["QEMU start → ready line, first boot of a blank data disk (one run)", s(firstBoot.ready), ""],
  ["QEMU's CPU time (user + system) at the first PID-1 line", s(med((r) => r.cpuFirstLine)), s(median(floors.map((f) => f.cpuLine)))],
  ["QEMU's CPU time (user + system) at the ready line", s(med((r) => r.cpuReady)), ""],
  ["clean poweroff: request → QEMU exit (floor: its line → exit)", s(med((r) => r.poweroff)), s(median(floors.map((f) => f.exit - f.line)))],
];
// Guest clock (ms since the kernel started), so host noise between QEMU start and the kernel drops out.
// Bun's start three ways: from the system image, from RAM, warm (see the header).
const bunMs = med((r) => r.hello - r.initSwitch);
const coldMs = median(coldRuns.map((r) => r.hello - r.initSwitch));
const ramMs = median(ramRuns.map((r) => r.hello - r.initSwitch));
const warmMs = median(warmRuns.map((r) => r.hello - r.initSwitch));
const where = [
  ["kernel: start → initramfs /init", med((r) => r.initStart)],
  ["initramfs /init: modules, data disk, boot state, slot, overlay, switch_root", med((r) => r.initSwitch - r.initStart)],
  ["Bun: exec → the program's first line (runtime start, pages read from the system image, /init reading ahead)", bunMs],
  [`– the same without readahead (${SPLIT_RUNS} boot${SPLIT_RUNS === 1 ? "" : "s"})`, coldMs],
  [`– the same, aios-init copied to RAM first (none of its pages read from the system image; ${SPLIT_RUNS} boot${SPLIT_RUNS === 1 ? "" : "s"})`, ramMs],
  [`– the same, \`aios-init --version\` run once first (its pages cached, its code translated by TCG; ${SPLIT_RUNS} boot${SPLIT_RUNS === 1 ? "" : "s"})`, warmMs],
  ["the program's modules: first line → main()", med((r) => r.main - r.hello)],
  [`– the same after \`aios-init --version\` (${SPLIT_RUNS} boot${SPLIT_RUNS === 1 ? "" : "s"})`, median(warmRuns.map((r) => r.main - r.hello))],
  ["main() → the first phase: options, the configuration", med((r) => (r.phases[0]?.startMs ?? Number.NaN) - r.main)],
  ["boot phases: the first phase → ready", med((r) => r.readyMs - (r.phases[0]?.startMs ?? Number.NaN))],
  ["total: kernel start → ready", med((r) => r.readyMs)],
  [`– the same without readahead (${SPLIT_RUNS} boot${SPLIT_RUNS === 1 ? "" : "s"})`, median(coldRuns.map((r) => r.readyMs))],
].map(([what, ms]) => [String(what), String(Math.round(Number(ms)))]);
const bunSplit = `Of Bun's start, reading aios-init's pages from the system image is about ${Math.round(coldMs - ramMs)} ms without readahead (that row less the in-RAM one) and ${Math.round(bunMs - ramMs)} ms with it, TCG translating the code it runs for the first time about ${Math.round(ramMs - warmMs)} ms (in RAM less warm), and running that code ${Math.round(warmMs)} ms (warm). Only the first depends on the image; the other two are Bun starting under TCG, whatever the image or the phases after it.`;
const phaseNames = runs[0]!.phases.map((p) => p.name);
// A concurrent phase overlaps the phases after it: its time is not on the way to ready unless it outlasts them.
const alongside = (name: string) => (PHASES.find((p) => p.name === name)?.concurrent ? " (alongside the phases after it)" : "");
const phaseOf = (r: (typeof runs)[number], name: string) => r.phases.find((p) => p.name === name);
const phaseRows = phaseNames.map((name) => [
  name + alongside(name),
  String(median(runs.map((r) => (phaseOf(r, name)?.startMs ?? Number.NaN) - (r.phases[0]?.startMs ?? Number.NaN)))),
  String(median(runs.map((r) => phaseOf(r, name)?.ms ?? 0))),
]);
const size = (f: string) => statSync(join(OUT, f)).size;
const files = ["initramfs.cpio", "system.sqfs", "aios-init", "vmlinux", "floor.cpio"];
const sizes = files.map((f) => [f, mib(size(f))]);

const table = (head: string[], body: string[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");

const readyMedian = med((r) => r.ready);
const firstMedian = med((r) => r.firstLine);
const rss = med((r) => r.rss);
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");
const targets = [
  ["ready ≤ 3.0 s after QEMU start (median)", `${s(readyMedian)} s (runs ${range(runs.map((r) => r.ready))})`, verdict(readyMedian <= 3000)],
  ["ready ≤ 2.0× the floor's first line", `${(readyMedian / floorLine).toFixed(2)}×`, verdict(readyMedian <= 2 * floorLine)],
  ["first PID-1 line ≤ 1.3× the floor's", `${(firstMedian / floorLine).toFixed(2)}× (floor ${s(floorLine)} s, runs ${range(floors.map((f) => f.line))})`, verdict(firstMedian <= 1.3 * floorLine)],
  ["initramfs ≤ 16 MiB", `${mib(size("initramfs.cpio"))} MiB`, verdict(size("initramfs.cpio") <= 16 * MiB)],
  ["system image ≤ 70 MiB compressed, onnxruntime included", `${mib(size("system.sqfs"))} MiB`, verdict(size("system.sqfs") <= 70 * MiB)],
  ["PID-1 RSS after ready ≤ 44 MiB", `${mib(rss)} MiB (anonymous ${mib(med((r) => r.rssAnon))}, file-backed ${mib(med((r) => r.rssFile))}: aios-init's mapped pages)`, verdict(rss <= 44 * MiB)],
];

console.log(`## Boot (median of ${RUNS}, TCG, -cpu max,-erms,-fsrm, ${new Date().toISOString().slice(0, 10)})

${table(["measure", "aios (s)", "floor (s)"], rows)}

Floor: same kernel and QEMU command line, BusyBox-only initramfs whose /init prints a line; its boots alternate with the aios boots.

${table(["target (issue 16)", "measured", ""], targets)}

Where the time goes (guest clock, median ms):

${table(["part", "ms"], where)}

${bunSplit}

${table(["phase", "starts (ms after the first)", "median ms"], phaseRows)}

${table(["file", "MiB"], sizes)}`);
