/**
 * monitor.pressure: pressure stall information (/proc/pressure/{cpu,memory,io}):
 * the share of recent time in which some task (some) or every non-idle task
 * at once (full) waited for CPU, memory or I/O. Unlike load or utilisation it
 * says whether work is being held up, which is what "the system is slow" means.
 */
import * as v from "valibot";
import { type Pressure, pressure, PRESSURE_RESOURCES, type PressureResource } from "../../sys";
import { defineTool } from "../define";

const figures = v.nullable(v.object({ avg10: v.number(), avg60: v.number(), avg300: v.number(), totalUs: v.number() }));
const resource = v.object({
  supported: v.boolean(),
  /** Why it is unsupported: the errno reading it gave. */
  reason: v.nullable(v.string()),
  some: figures,
  full: figures,
});
type Resource = v.InferOutput<typeof resource>;

const REASONS: Record<string, string> = {
  ENOENT: "the kernel does not report it (no /proc/pressure: CONFIG_PSI is off)",
  EOPNOTSUPP: "it is disabled (psi=0 on the kernel command line)",
};

function read(r: PressureResource): Resource {
  const p = pressure(r);
  if (p.ok) return { supported: true, reason: null, some: p.pressure.some, full: p.pressure.full };
  return { supported: false, reason: REASONS[p.code] ?? p.code, some: null, full: null };
}

const avgs = (f: NonNullable<Pressure["some"]>) => `${f.avg10}/${f.avg60}/${f.avg300}%`;
const idle = (f: Pressure["some"]) => f === null || (f.avg10 === 0 && f.avg60 === 0 && f.avg300 === 0);

export const monitorPressure = defineTool({
  name: "monitor.pressure",
  description:
    "Pressure stall information from /proc/pressure: for cpu, memory and io, the percentage of time over the last 10, 60 and 300 seconds in which some tasks (some) or all non-idle tasks (full) were stalled waiting for that resource, and the total stall time in µs. A resource the kernel does not report is marked unsupported with the reason.",
  input: v.strictObject({}),
  output: v.object({ supported: v.boolean(), cpu: resource, memory: resource, io: resource }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute() {
    const [cpu, memory, io] = PRESSURE_RESOURCES.map(read) as [Resource, Resource, Resource];
    return { supported: cpu.supported || memory.supported || io.supported, cpu, memory, io };
  },
  summarize(out) {
    const all = PRESSURE_RESOURCES.map((name) => ({ name, r: out[name] }));
    if (!out.supported) return `Pressure stall information is not available: ${out.cpu.reason ?? "unsupported"}.`;
    const stalled = all.filter(({ r }) => r.supported && !(idle(r.some) && idle(r.full)));
    const unsupported = all.filter(({ r }) => !r.supported).map(({ name }) => name);
    const tail = unsupported.length ? ` (${unsupported.join(", ")}: not reported)` : "";
    if (stalled.length === 0) return `No pressure: no task waited for ${all.filter(({ r }) => r.supported).map(({ name }) => name).join(", ")} in the last 5 minutes${tail}.`;
    const parts = stalled.map(({ name, r }) => {
      const full = r.full && !idle(r.full) ? `, full ${avgs(r.full)}` : "";
      return `${name} some ${avgs(r.some!)}${full}`;
    });
    return `Pressure (share of time stalled, avg 10 s/60 s/300 s): ${parts.join("; ")}${tail}.`;
  },
});
