/**
 * The syncfs worker: one thread that runs syncfs(2), which blocks for a disk
 * flush and which node:fs cannot put on the thread pool (it has no syncfs).
 * Requests are `{ id, fd, what }`; answers `{ id }` or `{ id, error }`, one
 * each (../worker-client.ts).
 * The descriptor is the main thread's: descriptors are the process's.
 */
import { syncfs } from "../libc";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ id: number; fd: number; what: string }>) => {
  const { id, fd, what } = e.data;
  try {
    syncfs(fd, what);
    self.postMessage({ id });
  } catch (err) {
    self.postMessage({ id, error: { message: (err as Error).message ?? String(err), code: (err as { code?: string }).code } });
  }
};
