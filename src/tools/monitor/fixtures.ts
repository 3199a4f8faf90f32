/** Contract fixtures for the monitor.* tools (see src/tools/contract.ts). */
import { expect } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineFixtures } from "../contract";

export const fixtures = defineFixtures({
  "monitor.cpu": {
    args: { sampleMs: 50 },
    invalid: [
      { args: { sampleMs: 1 }, field: "args.sampleMs" },
      { args: { sampleMs: "fast" }, field: "args.sampleMs" },
    ],
    verify: (r) => {
      expect(r.total.busyPercent).toBeGreaterThanOrEqual(0);
      expect(r.total.busyPercent).toBeLessThanOrEqual(100);
      expect(r.cpus.length).toBeGreaterThanOrEqual(1);
    },
  },
  "monitor.memory": {
    args: {},
    invalid: [{ args: { unit: "MiB" }, field: "args.unit" }],
    verify: (r) => expect(r.totalBytes).toBeGreaterThan(0),
  },
  "monitor.disk": {
    args: { path: "/" },
    invalid: [
      { args: { path: "relative" }, field: "args.path" },
      { args: { path: "/srv/../.." }, field: "args.path" },
    ],
    verify: (r) => expect(r.filesystems[0].sizeBytes).toBeGreaterThan(0),
  },
  "monitor.logs": {
    setup: (t) => writeFileSync(join(t.env.paths.log, "aios.log"), "2025-01-31T12:00:00.000Z info one\n2025-01-31T12:01:00.000Z warn two\n"),
    args: { grep: "warn" },
    invalid: [
      { args: { source: "../../etc/passwd" }, field: "args.source" },
      { args: { grep: "(", regex: true }, field: "args.grep" },
      { args: { lines: 5000 }, field: "args.lines" },
    ],
    verify: (r) => expect(r.lines).toEqual(["2025-01-31T12:01:00.000Z warn two"]),
  },
});
