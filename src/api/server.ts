/** Binds the API to a socket. The only file in api/ that knows about Bun.serve. */
import type { Hono } from "hono";
import { MAX_REQUEST_BODY_BYTES } from "./limits";

/** How long stop() lets requests in flight finish before closing their connections. */
const STOP_GRACE_MS = 2000;

export interface ServerOptions {
  hostname: string;
  port: number;
  tls?: { cert: string; key: string };
  /** Seconds an idle connection stays open (Bun's default: 10); streams lift it for themselves (http.ts). */
  idleTimeoutS?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function startServer(app: Hono, opts: ServerOptions): RunningServer {
  const server = Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    fetch: app.fetch,
    idleTimeout: opts.idleTimeoutS,
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES, // the largest route's (limits.ts); each route is held to its own there
    tls: opts.tls ? { cert: Bun.file(opts.tls.cert), key: Bun.file(opts.tls.key) } : undefined,
  });
  const scheme = opts.tls ? "https" : "http";
  return {
    url: `${scheme}://${opts.hostname}:${server.port}`,
    port: server.port ?? opts.port,
    // In-flight requests get a moment to finish; streams that never end (a console following a goal) are then cut.
    stop: async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const forced = new Promise<void>((resolve) => {
        timer = setTimeout(() => void server.stop(true).then(resolve, resolve), STOP_GRACE_MS);
      });
      await Promise.race([server.stop(), forced]);
      clearTimeout(timer);
    },
  };
}
