/**
 * Decompressing .deb members and indexes. gzip and zstd are done by Bun
 * itself; xz, bzip2 and lzma by a child process fed on stdin, found on PATH
 * (`xz -dc` on a host, BusyBox's `xz`/`unxz` in the guest), always with an
 * argv, never through a shell.
 */
import { spawn } from "../../sys";
import { PkgFormatError } from "./errors";

export type Compression = "none" | "gz" | "xz" | "zst" | "bz2" | "lzma";

const TOOLS: Record<"xz" | "bz2" | "lzma" | "zst", string[][]> = {
  xz: [["xz", "-dc"], ["unxz", "-c"]],
  bz2: [["bzip2", "-dc"], ["bunzip2", "-c"]],
  lzma: [["unlzma", "-c"], ["xz", "--format=lzma", "-dc"]],
  zst: [["zstd", "-dc"]],
};

const FALLBACK_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function compressionOf(name: string): Compression {
  if (name.endsWith(".gz")) return "gz";
  if (name.endsWith(".xz")) return "xz";
  if (name.endsWith(".zst")) return "zst";
  if (name.endsWith(".bz2")) return "bz2";
  if (name.endsWith(".lzma")) return "lzma";
  return "none";
}

/** The argv that would decompress `c` here, or null when no tool for it exists. */
export function decompressor(c: "xz" | "bz2" | "lzma" | "zst"): string[] | null {
  const PATH = process.env.PATH ? `${process.env.PATH}:${FALLBACK_PATH}` : FALLBACK_PATH;
  for (const [cmd, ...args] of TOOLS[c]) {
    const found = Bun.which(cmd!, { PATH });
    if (found) return [found, ...args];
  }
  return null;
}

export async function decompress(data: Uint8Array, c: Compression, what: string, signal?: AbortSignal): Promise<Uint8Array> {
  try {
    switch (c) {
      case "none": return data;
      case "gz": return Bun.gunzipSync(data as Uint8Array<ArrayBuffer>);
      case "zst":
        if (typeof Bun.zstdDecompressSync === "function") return Bun.zstdDecompressSync(data as Uint8Array<ArrayBuffer>);
        return await viaTool(data, c, what, signal);
      default: return await viaTool(data, c, what, signal);
    }
  } catch (err) {
    if (err instanceof PkgFormatError) throw err;
    throw new PkgFormatError(what, `cannot decompress (${c}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function viaTool(data: Uint8Array, c: "xz" | "bz2" | "lzma" | "zst", what: string, signal?: AbortSignal): Promise<Uint8Array> {
  const argv = decompressor(c);
  if (!argv) throw new PkgFormatError(what, `no ${c} decompressor here (need one of ${TOOLS[c].map((t) => t[0]).join(", ")} on PATH)`);
  const child = spawn(argv, { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const kill = () => child.kill();
  signal?.addEventListener("abort", kill, { once: true });
  try {
    // Feed stdin while reading stdout, or a large member deadlocks on full pipes.
    const feed = (async () => {
      const sink = child.stdin as import("bun").FileSink;
      sink.write(data);
      await sink.end();
    })();
    const [out, err, code] = await Promise.all([
      new Response(child.stdout as ReadableStream).bytes(),
      new Response(child.stderr as ReadableStream).text(),
      child.exited,
      feed.catch(() => {}),
    ]);
    if (signal?.aborted) throw new PkgFormatError(what, "cancelled");
    if (code !== 0) throw new PkgFormatError(what, `${argv[0]} exited ${code}: ${err.trim() || "no message"}`);
    return out;
  } finally {
    signal?.removeEventListener("abort", kill);
  }
}
