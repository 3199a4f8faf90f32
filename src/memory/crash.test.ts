/**
 * Crash safety of long-term memory, end to end: a dev-mode aios-init in a
 * child process takes document writes over loopback HTTP until it is killed
 * with SIGKILL mid-loop. Reopened, the database must pass integrity_check and
 * hold every write the API acknowledged (201), with its full-text rows.
 */
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../config";
import { openMemory } from "./open";

const REPO = join(import.meta.dir, "../..");
const READY = /ready in \d+ ms \(api (http:\/\/[^)]+)\)/;
const WRITERS = 4;
/** Acknowledged writes before the kill; the kill lands while each writer has a request in flight. */
const KILL_AFTER = 60;

const state = mkdtempSync(join(tmpdir(), "aios-crash-"));
afterAll(() => rmSync(state, { recursive: true, force: true }));

async function waitReady(child: ReturnType<typeof Bun.spawn>, stderr: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 20_000;
  for await (const chunk of stderr) {
    text += decoder.decode(chunk, { stream: true });
    const m = READY.exec(text);
    if (m) return m[1]!;
    if (Date.now() > deadline || child.exitCode !== null) break;
  }
  throw new Error(`no ready line; exit ${child.exitCode}\n${text}`);
}

test(
  "kill -9 during a write loop: integrity_check ok and every acknowledged write present",
  async () => {
    const child = Bun.spawn([process.execPath, join(REPO, "src/main.ts"), "--dev", "--state", state, "--port", "0", "--token", "t"], {
      cwd: REPO,
      stdin: "pipe",
      stdout: "ignore",
      stderr: "pipe",
    });
    const url = await waitReady(child, child.stderr as ReadableStream<Uint8Array>);

    const acked = new Map<number, { id: number; text: string }>();
    let next = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const i = next++;
        // A unique word per document, so its full-text row can be checked after the crash.
        const text = `# Note ${i}\n\nThe crashmarker${i} document: ${"restart the service after editing its unit file. ".repeat(1 + (i % 40))}`;
        try {
          const res = await fetch(`${url}/api/v1/memory/documents`, {
            method: "POST",
            headers: { authorization: "Bearer t", "content-type": "application/json" },
            body: JSON.stringify({ title: `Note ${i}`, text, source: `crash/${i}.md` }),
          });
          if (res.status === 201) acked.set(i, { id: ((await res.json()) as { id: number }).id, text });
        } catch {
          return; // the server died under this request: not acknowledged
        }
        if (acked.size >= KILL_AFTER && !killed) {
          killed = true;
          child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);

    const path = join(state, "var/lib/aios/memory/longterm.db");
    const db = new Database(path);
    try {
      expect(db.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
      db.exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')"); // throws if the index disagrees with itself
      const doc = db.query("SELECT content FROM documents WHERE id = ?");
      const fts = db.query("SELECT c.document_id AS id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid WHERE chunks_fts MATCH ?");
      for (const [i, a] of acked) {
        expect({ i, content: (doc.get(a.id) as { content: string } | null)?.content }).toEqual({ i, content: a.text.trim() });
        expect({ i, fts: (fts.all(`"crashmarker${i}"`) as Array<{ id: number }>).map((r) => r.id) }).toEqual({ i, fts: [a.id] });
      }
      // Nothing half-written: every document has its chunks.
      expect(db.query("SELECT count(*) AS n FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }

    // And the memory layer opens it again and searches it.
    const memory = openMemory({ working: join(state, "var/lib/aios/memory/working.db"), longterm: path }, defaultConfig().memory);
    try {
      const [i] = acked.keys();
      const r = await memory.longterm.search(`crashmarker${i}`);
      expect(r.hits[0]!.documentId).toBe(acked.get(i!)!.id);
    } finally {
      memory.close();
    }
  },
  60_000,
);
