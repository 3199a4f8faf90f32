/** Binds the API to a socket. The only file in api/ that knows about Bun.serve. */
import type { Hono } from "hono";

export interface ServerOptions {
  hostname: string;
  port: number;
  tls?: { cert: string; key: string };
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
    tls: opts.tls ? { cert: Bun.file(opts.tls.cert), key: Bun.file(opts.tls.key) } : undefined,
  });
  const scheme = opts.tls ? "https" : "http";
  return {
    url: `${scheme}://${opts.hostname}:${server.port}`,
    port: server.port ?? opts.port,
    stop: () => server.stop(),
  };
}
