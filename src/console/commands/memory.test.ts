import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../config";
import { type Memory, openMemory } from "../../memory";
import type { Command, CommandIO, ConsoleDeps } from "../command";
import { builtins } from "./index";
import { memory } from "./memory";
import { recall } from "./recall";
import { remember } from "./remember";

let dir: string;
let m: Memory;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-mem-cmd-"));
  m = openMemory({ working: join(dir, "working.db"), longterm: join(dir, "longterm.db") }, defaultConfig().memory);
});
afterAll(() => {
  m.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(cmd: Command, args: string[], mem: Memory | null = m): Promise<string> {
  const out: string[] = [];
  const io: CommandIO = { print: (t) => out.push(t), deps: { memory: () => mem ?? undefined } as ConsoleDeps, commands: builtins };
  await cmd.run(args, io);
  return out.join("\n");
}

describe("remember, recall, memory", () => {
  test("remember stores a note; the same note again is recognised", async () => {
    expect(await run(remember, ["the", "backup", "NAS", "is", "at", "10.0.0.7"])).toMatch(/^remembered as document \d+ \(1 chunk\)$/);
    expect(await run(remember, ["the backup NAS is at 10.0.0.7"])).toMatch(/^already remembered \(document \d+\)$/);
    expect(await run(remember, [])).toBe("usage: remember <text>");
  });

  test("recall finds it, says which retriever, and fits 80 columns", async () => {
    await run(remember, [`a very long note about nginx ${"and its reverse proxy configuration ".repeat(5)}`]);
    const out = await run(recall, ["backup", "nas"]);
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^1\. the backup NAS is at 10\.0\.0\.7  \[fts\] #\d+$/);
    expect(lines[1]).toBe("   the backup NAS is at 10.0.0.7");
    expect(lines.at(-1)).toBe("(searched: fts)");
    const long = await run(recall, ["reverse", "proxy"]);
    for (const l of long.split("\n")) expect(l.length).toBeLessThanOrEqual(80);
    expect(long).toContain("...");
    expect(await run(recall, ["zyzzyva"])).toBe("nothing found (searched: fts)");
  });

  test("memory shows counts, no embedding model, ring fill and files", async () => {
    const out = await run(memory, []);
    expect(out).toMatch(/^documents\s+2 \(and 0 procedures, 0 decisions\)$/m);
    expect(out).toMatch(/^embedding\s+none installed: full-text search only$/m);
    expect(out).toMatch(/^events\s+\d+\/10000 in the ring$/m);
    expect(out).toMatch(/^longterm\.db\s+[\d.]+ (B|KiB|MiB)\s+.*longterm\.db$/m);
    expect(out).toMatch(/^maintenance\s+never$/m);
  });

  test("without memory the command says why", async () => {
    await expect(run(memory, [], null)).rejects.toThrow("memory is not available");
  });
});
