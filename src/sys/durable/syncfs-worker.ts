/**
 * The syncfs worker: one thread that runs the flushes node:fs cannot put on
 * the thread pool because it has no call for them: syncfs(2), which blocks
 * for a disk flush, and sync_file_range(2) (`writeOut`), which blocks until
 * files' pages are written. Requests are `{ id, op, fds, what }`; answers
 * `{ id }` or `{ id, error }`, one each (../worker-client.ts).
 * The descriptors are the main thread's: descriptors are the process's.
 */
import { syncfs, writeOut } from "../libc";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ id: number; op: "syncfs" | "writeOut"; fds: number[]; what: string }>) => {
  const { id, op, fds, what } = e.data;
  try {
    if (op === "writeOut") writeOut(fds, what);
    else syncfs(fds[0]!, what);
    self.postMessage({ id });
  } catch (err) {
    self.postMessage({ id, error: { message: (err as Error).message ?? String(err), code: (err as { code?: string }).code } });
  }
};
