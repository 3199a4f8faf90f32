/** Contract fixtures for the hw.* tools (see src/tools/contract.ts). */
import { expect } from "bun:test";
import { defineFixtures } from "../contract.testing";

export const fixtures = defineFixtures({
  "hw.info": {
    args: { section: "all" },
    invalid: [
      { args: { section: "gpu" }, field: "args.section" },
      { args: { verbose: true }, field: "args.verbose" },
    ],
    verify: (r) => {
      expect(r.cpu.count).toBeGreaterThanOrEqual(1);
      expect(r.memory.totalBytes).toBeGreaterThan(0);
      expect(Array.isArray(r.pci)).toBe(true);
    },
  },
});
