/**
 * Boot phases and timings, health, and CPU, memory and disk, live. Memory
 * comes with the system report (every 2 s); CPU and disks from the
 * monitor.cpu and monitor.disk tools every 15 s while the page is open — the
 * API has no unaudited report of them, and each of those calls is audited.
 */
import { get, post } from "../api";
import { canAct, useSession } from "../session";
import { Badge, bytes, duration, ErrorNote, Meter, Pending, Table, Title, tone, useLoad } from "../ui";

interface System {
  hostname: string;
  kernel: string;
  timezone: string;
  uptimeMs: number;
  rssBytes: number;
  version?: string;
  commit?: string | null;
  memory: { totalBytes: number; availableBytes: number };
  boot: { readyMs: number | null; mainMs?: number | null; phases: Array<{ name: string; status: string; ms: number }> };
  eventLoop?: { stalls: number; worstMs: number; thresholdMs: number };
}

interface Cpu {
  cpuCount: number;
  total: { busyPercent: number };
  load: { one: number; five: number; fifteen: number };
}

interface Disk {
  filesystems: Array<{ mountpoint: string; device: string; fstype: string; readOnly: boolean; sizeBytes: number; usedBytes: number; usedPercent: number }>;
}

const REAL_FS = /^(ext[234]|xfs|btrfs|vfat|erofs|squashfs|overlay|f2fs|zfs)$/;

export function Dashboard() {
  const session = useSession();
  const sys = useLoad(() => get<System>("/api/v1/system"), [], 2000);
  const health = useLoad(() => fetch("/health").then((r) => (r.ok ? "ok" : `HTTP ${r.status}`), () => "no answer"), [], 5000);
  const tools = canAct(session);
  const cpu = useLoad(() => (tools ? post<{ result: Cpu }>("/api/v1/tools/monitor.cpu", { args: { sampleMs: 250 } }).then((r) => r.result) : Promise.reject(new Error("CPU figures come from a tool call, which your role cannot make."))), [tools], 15_000);
  const disk = useLoad(() => (tools ? post<{ result: Disk }>("/api/v1/tools/monitor.disk", { args: {} }).then((r) => r.result) : Promise.reject(new Error("Disk figures come from a tool call, which your role cannot make."))), [tools], 15_000);
  const s = sys.data;
  const phases = s?.boot.phases ?? [];
  const total = phases.reduce((n, p) => n + p.ms, 0) || 1;

  return (
    <section>
      <Title intro={s ? `${s.hostname} · Linux ${s.kernel} · ${s.timezone}${s.version ? ` · aiOS ${s.version}${s.commit ? ` (${s.commit})` : ""}` : ""}` : undefined}>Dashboard</Title>
      <Pending state={sys} />
      {s ? (
        <div class="cards">
          <div class="card">
            <h2>Health</h2>
            <p class="big">
              <Badge tone={health.data === "ok" ? "ok" : "bad"}>{health.data ?? "…"}</Badge>
            </p>
            <p class="muted">
              Up {duration(s.uptimeMs)}; ready in {s.boot.readyMs === null ? "—" : `${s.boot.readyMs} ms`}
            </p>
            {s.eventLoop ? (
              <p class="muted">
                Event loop: {s.eventLoop.stalls} stalls over {s.eventLoop.thresholdMs} ms (worst {s.eventLoop.worstMs} ms)
              </p>
            ) : null}
          </div>
          <div class="card">
            <h2>Memory</h2>
            <Meter label="Memory in use" used={s.memory.totalBytes - s.memory.availableBytes} total={s.memory.totalBytes} text={`${bytes(s.memory.totalBytes - s.memory.availableBytes)} of ${bytes(s.memory.totalBytes)}`} />
            <p class="muted">aios-init uses {bytes(s.rssBytes)}</p>
          </div>
          <div class="card">
            <h2>CPU</h2>
            {cpu.data ? (
              <>
                <Meter label="CPU busy" used={cpu.data.total.busyPercent} total={100} text={`${cpu.data.total.busyPercent.toFixed(0)}% of ${cpu.data.cpuCount} CPUs`} />
                <p class="muted">
                  Load {cpu.data.load.one.toFixed(2)} · {cpu.data.load.five.toFixed(2)} · {cpu.data.load.fifteen.toFixed(2)}
                </p>
              </>
            ) : (
              <Pending state={cpu} />
            )}
          </div>
          <div class="card">
            <h2>Disks</h2>
            {disk.data ? (
              disk.data.filesystems
                .filter((f) => REAL_FS.test(f.fstype) || f.mountpoint === "/")
                .slice(0, 4)
                // A read-only image is full by design: no alarm colour for it.
                .map((f) => <Meter label={`${f.mountpoint}${f.readOnly ? " (read-only)" : ""}`} neutral={f.readOnly} used={f.usedBytes} total={f.sizeBytes} text={`${bytes(f.usedBytes)} of ${bytes(f.sizeBytes)} (${f.usedPercent}%)`} />)
            ) : (
              <Pending state={disk} />
            )}
          </div>
        </div>
      ) : null}
      {s ? (
        <>
          <h2>Boot phases</h2>
          <div class="timeline" aria-hidden="true">
            {phases.map((p) => (
              <span class={`seg ${tone(p.status)}`} style={`flex-grow:${Math.max(p.ms, total / 100)}`} title={`${p.name}: ${p.status}, ${p.ms} ms`} />
            ))}
          </div>
          <Table caption="Boot phases" head={["Phase", "Status", "Time"]} rows={phases.map((p) => [p.name, <Badge tone={tone(p.status)}>{p.status}</Badge>, `${p.ms} ms`])} />
        </>
      ) : null}
      {sys.error && s ? <ErrorNote error={sys.error} /> : null}
    </section>
  );
}
