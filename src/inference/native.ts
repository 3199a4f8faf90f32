/**
 * Where onnxruntime's native library comes from. In dev mode the binding in
 * node_modules finds libonnxruntime.so.1 beside itself ($ORIGIN). Inside the
 * compiled aios-init, Bun extracts the embedded binding to a temporary file,
 * where $ORIGIN finds nothing; the library lives on the read-only runtime
 * disk instead, so it is dlopen'ed from there first: once a library with that
 * soname is loaded, the dynamic linker satisfies the binding's DT_NEEDED with
 * it. This is the only dlopen outside src/sys/libc.ts, and it never touches libc.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { RuntimeUnavailableError } from "./errors";

export const ORT_LIBRARY = "libonnxruntime.so.1";

/**
 * What the runtime's lib/ (/usr/lib/aios/lib in the system image) holds, in dependency order, each with one
 * symbol it exports (bun:ffi's dlopen wants at least one). The C++ runtime and
 * librt are not in the initramfs: only inference needs them.
 */
export const RUNTIME_LIBRARIES: Array<[file: string, symbol: string]> = [
  ["libgcc_s.so.1", "_Unwind_Resume"],
  ["libstdc++.so.6", "_ZSt9terminatev"],
  ["librt.so.1", "shm_open"],
  [ORT_LIBRARY, "OrtGetApiBase"],
];

/** True inside a `bun build --compile` executable, whose modules live under /$bunfs. */
export const COMPILED = import.meta.url.includes("/$bunfs/");

let preloaded: string | undefined;
/** The handles, referenced so that nothing can ever close them. */
const handles: unknown[] = [];

/**
 * Makes libonnxruntime.so.1 loadable for the binding: a no-op in dev mode; in
 * the compiled binary, dlopens it (and the C++ runtime before it, when the
 * image carries one) from $AIOS_ORT_LIB's folder or `<runtimeDir>/lib`.
 */
export async function preloadOrt(runtimeDir: string): Promise<string | undefined> {
  if (!COMPILED || preloaded) return preloaded;
  const dirs = [process.env.AIOS_ORT_LIB ? dirname(process.env.AIOS_ORT_LIB) : undefined, join(runtimeDir, "lib")].filter((p): p is string => !!p);
  const dir = dirs.find((d) => existsSync(join(d, ORT_LIBRARY)));
  if (!dir) {
    throw new RuntimeUnavailableError(`inference runtime: ${ORT_LIBRARY} not found (looked in ${dirs.join(", ")}); is the system image's ${runtimeDir} there?`);
  }
  const { dlopen, FFIType } = await import("bun:ffi");
  for (const [file, symbol] of RUNTIME_LIBRARIES) {
    const path = join(dir, file);
    // The C++ runtime may come from the system instead (a host with libstdc++ installed).
    if (file !== ORT_LIBRARY && !existsSync(path)) continue;
    try {
      // Kept open for the life of the process: the binding links against them.
      handles.push(dlopen(path, { [symbol]: { args: [], returns: FFIType.void } }));
    } catch (err) {
      throw new RuntimeUnavailableError(`inference runtime: dlopen ${path}: ${(err as Error).message}`, err);
    }
  }
  preloaded = join(dir, ORT_LIBRARY);
  return preloaded;
}
