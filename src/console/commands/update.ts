/**
 * `update status | apply FILE | rollback`: the A/B system slots (src/update).
 * `apply` installs an update image (make update-image) from a file in the
 * guest into the inactive slot, as `PUT /api/v1/system/update` does; the
 * next boot tries it once. `rollback` makes the next boot run the other slot.
 * Neither reboots: `reboot` does, when you choose.
 */
import type { SystemUpdates } from "../../update";
import { type CommandIO, defineCommand } from "../command";
import { table } from "../../sys/text";

function updatesOf(io: CommandIO): SystemUpdates {
  const u = io.deps.update?.();
  if (!u) throw new Error("updates are not available (the boot did not set them up)");
  return u;
}

function status(u: SystemUpdates): string {
  const s = u.status(10);
  const slot = (name: "a" | "b") => {
    const i = s.slots[name];
    const what = [i.status, i.version ? `version ${i.version}` : null, i.reason ? `(${i.reason})` : null].filter(Boolean).join(", ");
    return [`slot ${name}${s.slot === name ? " *" : ""}`, what];
  };
  const rows = [
    ["running", s.slot ? `slot ${s.slot}, version ${s.version}${s.commit ? ` (${s.commit})` : ""}${s.trial ? ", on trial" : ""}` : `version ${s.version}, not from a system slot`],
    slot("a"),
    slot("b"),
    ["next boot", s.next ? `slot ${s.next}${s.pending ? ` (version ${s.pending.version ?? "?"}, tried once)` : ""}` : "-"],
  ];
  const history = s.history.map((h) => [h.at.replace("T", " ").slice(0, 19), `${h.event}${h.slot ? ` ${h.slot}` : ""}${h.version ? ` ${h.version}` : ""}${h.reason ? `: ${h.reason}` : ""}`]);
  return `${table(rows)}${history.length ? `\n\nhistory (newest last):\n${table(history)}` : ""}`;
}

export const update = defineCommand({
  name: "update",
  summary: "system slots and updates: status, apply FILE, rollback",
  usage: "update status | update apply FILE | update rollback",
  run: async ([verb = "status", file, ...rest], io) => {
    const u = updatesOf(io);
    if (verb === "status" && file === undefined) return io.print(status(u));
    if (verb === "apply" && file && !rest.length) {
      const f = Bun.file(file);
      if (!(await f.exists())) return io.print(`update apply: ${file}: no such file`);
      io.print(`update: checking and writing ${file} ...`);
      const done = await u.install(f.stream(), "console");
      return io.print(`update: version ${done.version} is in slot ${done.slot}; ${done.next}`);
    }
    if (verb === "rollback" && file === undefined) return io.print(`update: ${u.rollback("console").detail}`);
    io.print("usage: update status | update apply FILE | update rollback");
  },
});
