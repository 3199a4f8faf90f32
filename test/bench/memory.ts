/**
 * `bun test/bench/memory.ts`: the memory layer against baselines measured in
 * the same run.
 *
 * 1. Insert throughput: `longterm.ingest` (normalise, chunk, hash, dedup
 *    check, document + chunk + FTS rows in one transaction) against a plain
 *    SQLite insert loop, one row per insert, same PRAGMAs (WAL,
 *    synchronous=FULL), same directory; then batched (100 per transaction).
 * 2. Top-10 vector search at 10k and 100k × 384: the IVF index (int8 lists,
 *    exact float32 re-rank from the SQLite BLOBs) against exact brute force
 *    over float32 in RAM; recall@10 against that brute force. Vectors are
 *    SYNTHETIC: a Gaussian mixture (clustered, like real embeddings) and
 *    uniform random on the sphere (no structure: the worst case for any
 *    partitioning index). They reach the database through the real ingest
 *    path via a lookup "embedder" over the synthetic table.
 * 3. Hybrid search on the held corpus (20 documents), with synthetic random
 *    vectors for the vector side, so the figure is the memory layer's own
 *    work (FTS + vector + fusion), not a model's; baseline: a bare FTS5 MATCH.
 *
 * SIZES=10000,100000 QUERIES=200 narrow it; the full run takes about two minutes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { type Embedder, openDatabase } from "../../src/memory";
import { ftsQuery } from "../../src/memory/knowledge/fts";
import { LongTermMemory } from "../../src/memory/knowledge/longterm";
import { defaultNlist, defaultNprobe } from "../../src/memory/knowledge/vector/ivf";
import { seededRandom as rng } from "../../src/sys/random";
import { loadCorpus } from "../../src/memory/testdata/corpus.testing";
import { setSink } from "../../src/sys";

setSink(() => {});
const D = 384;
const SIZES = (process.env.SIZES ?? "10000,100000").split(",").map(Number);
const QUERIES = Number(process.env.QUERIES ?? 200);
const INSERTS = Number(process.env.INSERTS ?? 300);
const dir = mkdtempSync(join(tmpdir(), "aios-bench-memory-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const out: string[] = [];
const print = (s = "") => out.push(s);
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

// ---------------------------------------------------------------- inserts
function noteText(i: number): string {
  return `# Note ${i}\n\nService unit${i} restarted after the config change; check journalctl -u unit${i} for errors and **reload** nginx.`;
}

async function insertBench(): Promise<void> {
  const plain = openDatabase(join(dir, "plain.db"), { synchronous: "full" });
  plain.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL)");
  const ins = plain.prepare("INSERT INTO notes (title, text) VALUES (?1, ?2)");
  const lt = LongTermMemory.open(join(dir, "ingest.db"), { chunkSize: 1000, chunkOverlap: 150 });

  const rate = async (n: number, fn: (i: number) => unknown) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn(i);
    return (n / (performance.now() - t)) * 1000;
  };
  const plainOne = await rate(INSERTS, (i) => ins.run(`Note ${i}`, noteText(i)));
  const memOne = await rate(INSERTS, (i) => lt.ingest({ title: `Note ${i}`, text: noteText(i) }));
  const BATCH = 100;
  const batches = Math.max(1, Math.floor((INSERTS * 10) / BATCH));
  const plainBatch = await rate(batches, (b) => plain.transaction(() => { for (let i = 0; i < BATCH; i++) ins.run(`Note ${b}-${i}`, noteText(100_000 + b * BATCH + i)); })()) * BATCH;
  const memBatch =
    (await rate(batches, (b) => lt.ingestMany(Array.from({ length: BATCH }, (_, i) => ({ title: `Note ${b}-${i}`, text: noteText(100_000 + b * BATCH + i) }))))) * BATCH;
  const chunksPerDoc = lt.stats().chunks / (lt.stats().documents.document || 1);
  lt.close();
  plain.close();

  print("### Insert throughput (WAL, synchronous=FULL, one fsync per transaction)");
  print();
  print("| workload | memory layer (docs/s) | plain SQLite insert (rows/s) | ratio |");
  print("|---|---:|---:|---:|");
  print(`| one document per transaction (${INSERTS}) | ${fmt(memOne, 0)} | ${fmt(plainOne, 0)} | ${fmt(memOne / plainOne)}× |`);
  print(`| 100 documents per transaction (${batches * BATCH}) | ${fmt(memBatch, 0)} | ${fmt(plainBatch, 0)} | ${fmt(memBatch / plainBatch)}× |`);
  print();
  print(`Each document is one chunk (${fmt(chunksPerDoc, 1)} chunks/doc): a documents row, a chunks row and its FTS5 rows, after Markdown normalisation, chunking and a sha256 dedup lookup.`);
  print();
}

// ---------------------------------------------------------------- vectors
type Kind = "mixture" | "uniform";

/** Synthetic unit vectors. Mixture: 1000 centres ~ N(0, I), points = centre + N(0, I) (cosine to own centre ≈ 0.7). */
function synth(kind: Kind, n: number, seed: number, centres?: Float32Array): { data: Float32Array; centres?: Float32Array } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const C = 1000;
  let c = centres;
  if (kind === "mixture" && !c) {
    c = new Float32Array(C * D);
    for (let i = 0; i < c.length; i++) c[i] = gauss();
  }
  const data = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const base = c ? Math.floor(r() * C) * D : -1;
    let norm = 0;
    for (let j = 0; j < D; j++) {
      const x = (base >= 0 ? c![base + j]! : 0) + gauss();
      data[i * D + j] = x;
      norm += x * x;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < D; j++) data[i * D + j]! *= inv;
  }
  return { data, centres: c };
}

/** Exact top-10 by a float32 scan of every vector: the baseline and the ground truth. */
function bruteTop(data: Float32Array, n: number, q: Float32Array, k: number): number[] {
  const ids = new Int32Array(k).fill(-1);
  const sc = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const o = i * D;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < D; j += 4) {
      s0 += q[j]! * data[o + j]!;
      s1 += q[j + 1]! * data[o + j + 1]!;
      s2 += q[j + 2]! * data[o + j + 2]!;
      s3 += q[j + 3]! * data[o + j + 3]!;
    }
    const s = s0 + s1 + s2 + s3;
    if (s <= sc[k - 1]!) continue;
    let p = k - 1;
    while (p > 0 && sc[p - 1]! < s) {
      sc[p] = sc[p - 1]!;
      ids[p] = ids[p - 1]!;
      p--;
    }
    sc[p] = s;
    ids[p] = i;
  }
  return [...ids];
}

/** A lookup table posing as an embedder: text "vector #N" → row N of the synthetic data. Benchmark data only. */
function tableEmbedder(data: Float32Array): Embedder {
  return {
    model: "synthetic-384",
    dims: D,
    async embed(texts) {
      return texts.map((t) => {
        const n = Number(/vector #(\d+)/.exec(t)![1]);
        return data.subarray(n * D, n * D + D);
      });
    },
  };
}

interface Row {
  kind: Kind;
  n: number;
  nlist: number;
  nprobe: number;
  median: number;
  p99: number;
  recall: number;
  bruteMedian: number;
  bruteP99: number;
  buildMs: number;
  loadMs: number;
  ingestMs: number;
  indexBytes: number;
}

async function vectorBench(kind: Kind, n: number): Promise<Row[]> {
  const { data, centres } = synth(kind, n, 1);
  const { data: queries } = synth(kind, QUERIES, 2, centres);
  const path = join(dir, `vec-${kind}-${n}.db`);
  const lt = LongTermMemory.open(path, { chunkSize: 1000, chunkOverlap: 0 });
  const e = tableEmbedder(data);
  lt.setEmbedder(e);
  let t = performance.now();
  const BATCH = 10_000;
  for (let b = 0; b < n; b += BATCH) {
    await lt.ingestMany(Array.from({ length: Math.min(BATCH, n - b) }, (_, i) => ({ title: `v${b + i}`, text: `synthetic vector #${b + i}` })));
  }
  await lt.idle(); // background training at the 4× growth points
  const ingestMs = performance.now() - t;
  t = performance.now();
  await lt.trainIndex(); // the build time of a full index at n
  const buildMs = performance.now() - t;
  lt.close();

  // Reopen: the index is loaded from the BLOBs with the persisted centroids (no k-means).
  t = performance.now();
  const re = LongTermMemory.open(path, { chunkSize: 1000, chunkOverlap: 0 });
  re.setEmbedder(e);
  await re.idle(); // loaded in 4096-row slices between event-loop turns
  const loadMs = performance.now() - t;
  const st = re.stats().vectors.index!;

  // Chunk ids are document order (one chunk per document), so row N of the data is chunk id N + 1.
  const truths: Set<number>[] = [];
  const brute: number[] = [];
  for (let qi = 0; qi < QUERIES; qi++) {
    const q = queries.subarray(qi * D, qi * D + D);
    const t0 = performance.now();
    const top = bruteTop(data, n, q, 10);
    brute.push(performance.now() - t0);
    truths.push(new Set(top.map((i) => i + 1)));
  }

  const rows: Row[] = [];
  const auto = defaultNprobe(st.lists, n);
  const probes = [...new Set([8, 16, auto, 64, 256, st.lists].filter((p) => p <= st.lists))].sort((a, b) => a - b);
  for (const nprobe of probes) {
    const lat: number[] = [];
    let hit = 0;
    for (let rep = 0; rep < 2; rep++) {
      for (let qi = 0; qi < QUERIES; qi++) {
        const q = queries.subarray(qi * D, qi * D + D);
        const t0 = performance.now();
        const res = re.searchVector(q, { k: 10, nprobe });
        const ms = performance.now() - t0;
        if (rep === 1) {
          lat.push(ms);
          hit += res.filter((h) => truths[qi]!.has(h.chunkId)).length;
        }
      }
    }
    rows.push({
      kind,
      n,
      nlist: st.lists,
      nprobe,
      median: pct(lat, 0.5),
      p99: pct(lat, 0.99),
      recall: hit / (10 * QUERIES),
      bruteMedian: pct(brute, 0.5),
      bruteP99: pct(brute, 0.99),
      buildMs,
      loadMs,
      ingestMs,
      indexBytes: st.bytes,
    });
  }
  re.close();
  return rows;
}

// ---------------------------------------------------------------- hybrid
async function hybridBench(): Promise<void> {
  const lt = LongTermMemory.open(join(dir, "corpus.db"), { chunkSize: 1000, chunkOverlap: 150 });
  // Synthetic random unit vectors per distinct text (seeded by a string hash): plumbing cost only, no relevance.
  const random: Embedder = {
    model: "synthetic-random-384",
    dims: D,
    async embed(texts) {
      return texts.map((t) => {
        const r = rng([...t].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619), 2166136261));
        return Float32Array.from({ length: D }, () => r() - 0.5);
      });
    },
  };
  lt.setEmbedder(random);
  await lt.ingestMany(loadCorpus());
  await lt.idle();
  const queries = ["reverse proxy upstream", "disable password authentication", "oom killer", "disk is full", "renew certificate", "rotate logs", "restart failed service", "clock drift"];
  const bare = lt.db.query("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?1 ORDER BY rank LIMIT 10");
  const ROUNDS = 200;
  const measure = async (fn: (q: string) => unknown) => {
    for (const q of queries) await fn(q);
    const lat: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const q of queries) {
        const t0 = performance.now();
        await fn(q);
        lat.push(performance.now() - t0);
      }
    }
    return { median: pct(lat, 0.5) * 1000, p99: pct(lat, 0.99) * 1000 };
  };
  const hybrid = await measure((q) => lt.search(q, { k: 10 }));
  lt.setEmbedder(null);
  const ftsOnly = await measure((q) => lt.search(q, { k: 10 }));
  const baseline = await measure((q) => bare.all(ftsQuery(q)!)); // the same MATCH expression search builds
  const chunks = lt.stats().chunks;
  lt.close();
  print(`### Search on the held corpus (20 documents, ${chunks} chunks), k = 10`);
  print();
  print("| search | median (µs) | p99 (µs) | vs bare FTS5 MATCH (median) |");
  print("|---|---:|---:|---:|");
  print(`| hybrid: FTS + vector (synthetic 384-d vectors, lookup embedder) + RRF + rows | ${fmt(hybrid.median, 0)} | ${fmt(hybrid.p99, 0)} | ${fmt(hybrid.median / baseline.median, 1)}× |`);
  print(`| full text only (no embedder installed) | ${fmt(ftsOnly.median, 0)} | ${fmt(ftsOnly.p99, 0)} | ${fmt(ftsOnly.median / baseline.median, 1)}× |`);
  print(`| baseline: bare \`MATCH … ORDER BY rank LIMIT 10\` via bun:sqlite | ${fmt(baseline.median, 0)} | ${fmt(baseline.p99, 0)} | 1.0× |`);
  print();
  print("A real embedding model adds its own inference time per query on top of the hybrid figure.");
  print();
}

// ---------------------------------------------------------------- run
print(`## Memory (${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, Bun ${Bun.version})`);
print();
await insertBench();
const rows: Row[] = [];
for (const kind of ["mixture", "uniform"] as const) for (const n of SIZES) rows.push(...(await vectorBench(kind, n)));

print("### Top-10 vector search, 384 dimensions (IVF, int8 lists, exact re-rank vs exact float32 brute force)");
print();
print("| data | vectors | lists | nprobe | median (ms) | p99 (ms) | recall@10 | brute force median (ms) | speed-up |");
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const isDefault = r.nprobe === defaultNprobe(r.nlist, r.n);
  print(`| ${r.kind} | ${r.n} | ${r.nlist} | ${r.nprobe}${isDefault ? " (default)" : ""} | ${fmt(r.median)} | ${fmt(r.p99)} | ${fmt(r.recall, 3)} | ${fmt(r.bruteMedian)} | ${fmt(r.bruteMedian / r.median, 1)}× |`);
}
print();
print("| data | vectors | ingest incl. background training (s) | full k-means build (s) | reopen + background index load (ms) | index RAM (MiB) | float32 vectors would be (MiB) |");
print("|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows.filter((x) => x.nprobe === defaultNprobe(x.nlist, x.n))) {
  print(`| ${r.kind} | ${r.n} | ${fmt(r.ingestMs / 1000, 1)} | ${fmt(r.buildMs / 1000, 1)} | ${fmt(r.loadMs, 0)} | ${fmt(r.indexBytes / 2 ** 20, 1)} | ${fmt((r.n * D * 4) / 2 ** 20, 1)} |`);
}
print();
print(`Default lists: ~2√n (${defaultNlist(100_000)} at 100k); default nprobe: the larger of lists/16 and enough lists for ~4096 vectors, at least 8. Mixture: 1000 Gaussian clusters, σ = 1 per dimension around N(0, I) centres; queries are fresh points from the same mixture. Uniform: normalised N(0, I), no structure; there a partitioning index must scan most lists for high recall.`);
print();
await hybridBench();
console.log(out.join("\n"));
