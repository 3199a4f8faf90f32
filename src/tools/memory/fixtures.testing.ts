/** Contract fixtures for the memory.* tools (see src/tools/contract.ts). */
import { expect } from "bun:test";
import type { LongTermMemory } from "../../memory";
import { defineFixtures } from "../contract.testing";

export const fixtures = defineFixtures({
  "memory.search": {
    args: { query: "import a model", limit: 3 },
    invalid: [
      { args: { query: "" }, field: "args.query" },
      { args: { query: "x".repeat(501) }, field: "args.query" },
      { args: { query: "models", limit: 21 }, field: "args.limit" },
      { args: { query: "models", k: 3 }, field: "args.k" },
    ],
    // The suite hands the tool system a real long-term memory (contract.test.ts); the tool only searches it.
    setup: async (t) => {
      const longterm = t.executor.host.knowledge as LongTermMemory;
      await longterm.ingest({ title: "Models", source: "models/README.md", text: "# Models\n\n## Importing\n\nTo import a model, run aios-init models import DIR: it checks the files and loads the model once.\n" });
    },
    verify: (r) => {
      expect(r.mode).toBe("fulltext");
      expect(r.results[0]).toMatchObject({ title: "Models", source: "models/README.md", section: expect.stringContaining("Importing"), kind: "document" });
      expect(r.results[0].snippet).toContain("import a model");
    },
  },
});
