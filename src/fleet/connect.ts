/**
 * The node's NATS connection: the official client with the fleet's
 * credentials, TLS CA and a reconnect policy that never gives up and backs
 * off (250 ms doubling to 8 s, with jitter), so a server restart or a network
 * cut heals itself and a down server is not hammered. The first connection is
 * retried the same way in the background: boot never waits for it.
 */
import { connect, type NatsConnection, nkeyAuthenticator } from "@nats-io/transport-node";
import { errorMessage } from "../sys";
import type { FleetSettings } from "./settings";

type NodeConnectionOptions = NonNullable<Parameters<typeof connect>[0]>;

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

/** Exponential backoff with jitter; `reset` after a success. */
export class Backoff {
  private attempt = 0;
  constructor(private readonly first = FIRST_DELAY_MS, private readonly max = MAX_DELAY_MS) {}
  next(): number {
    const base = Math.min(this.max, this.first * 2 ** Math.min(this.attempt++, 16));
    return Math.round(base / 2 + Math.random() * (base / 2));
  }
  reset(): void {
    this.attempt = 0;
  }
}

export function connectionOptions(s: Pick<FleetSettings, "servers" | "auth" | "tlsCa">, name: string, backoff = new Backoff()): NodeConnectionOptions {
  const opts: NodeConnectionOptions = {
    servers: s.servers,
    name,
    maxReconnectAttempts: -1,
    reconnectDelayHandler: () => backoff.next(),
    // A server that stops answering is noticed in ~10 s, not the client's default 4 minutes.
    pingInterval: 5_000,
    maxPingOut: 2,
    timeout: 5_000,
  };
  if (s.auth.kind === "user") Object.assign(opts, { user: s.auth.user, pass: s.auth.password.reveal() });
  if (s.auth.kind === "nkey") opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(s.auth.seed.reveal()));
  if (s.tlsCa) opts.tls = { ca: s.tlsCa };
  return opts;
}

/** Connects, retrying with backoff until it works or `signal` aborts (then undefined). */
export async function connectWithRetry(
  s: Pick<FleetSettings, "servers" | "auth" | "tlsCa">,
  name: string,
  opts: { signal: AbortSignal; onFailure?(err: string, retryInMs: number): void },
): Promise<NatsConnection | undefined> {
  const backoff = new Backoff();
  const first = new Backoff();
  while (!opts.signal.aborted) {
    try {
      const nc = await connect(connectionOptions(s, name, backoff));
      if (opts.signal.aborted) {
        await nc.close();
        return undefined;
      }
      watchBackoff(nc, backoff);
      return nc;
    } catch (err) {
      const wait = first.next();
      opts.onFailure?.(errorMessage(err), wait);
      await sleep(wait, opts.signal);
    }
  }
  return undefined;
}

/** A successful reconnect starts the backoff over. */
function watchBackoff(nc: NatsConnection, backoff: Backoff): void {
  void (async () => {
    for await (const s of nc.status()) if (s.type === "reconnect") backoff.reset();
  })().catch(() => {});
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
