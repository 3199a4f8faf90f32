/**
 * What boot steps hand to later steps: each product has a typed token, a
 * step declares the tokens it `needs` and `provides`, and the runner gives
 * `run` the needed values typed and present (skipping the step, with the
 * token's reason, when an optional step before it did not run). A step that
 * needs what no earlier step provides is an error before anything boots
 * (checkOrder), not an undefined at use.
 */
import type { ActorSystem } from "../actors";
import type { AgentRuntime } from "../agents";
import type { FleetPort } from "../fleet/types";
import type { Gateway } from "../gateway";
import type { Embedder, InferenceRuntime } from "../inference";
import type { Memory } from "../memory";
import type { AutonomyLoop, GoalEngine, GoalStores } from "../orchestrator";
import { AiosError, type BlockDevice, type CpuInfo, type MemInfo, type NetInterface } from "../sys";
import type { ToolSystem } from "../tools";

export interface Token<T> {
  readonly name: string;
  /** Why a step that needs it is skipped when it is absent. */
  readonly absent: string;
  /** Never set: carries T for the type checker. */
  readonly type?: T;
}

export function token<T>(name: string, absent: string): Token<T> {
  return { name, absent };
}

export type Needs = Record<string, Token<unknown>>;
/** The values of a step's needs, present and typed. */
export type Given<N extends Needs> = { [K in keyof N]: N[K] extends Token<infer T> ? T : never };

/** A step needs a product no step before it provides, or provides one twice or undeclared: a bug in the phase table. */
export class ProductError extends AiosError<"boot_product"> {
  constructor(message: string) {
    super("boot_product", message);
  }
}

/** The products of the steps run so far; each is provided once. */
export class Products {
  readonly #values = new Map<Token<unknown>, unknown>();

  provide<T>(t: Token<T>, value: T): T {
    if (this.#values.has(t)) throw new ProductError(`boot product ${t.name}: provided twice`);
    this.#values.set(t, value);
    return value;
  }

  /** A product that may be absent: optional, or provided by a later phase (read it when used, not at boot). */
  find<T>(t: Token<T>): T | undefined {
    return this.#values.get(t) as T | undefined;
  }

  get<T>(t: Token<T>): T {
    if (!this.#values.has(t)) throw new ProductError(`boot product ${t.name}: not provided (${t.absent})`);
    return this.#values.get(t) as T;
  }

  /** The tokens provided so far, to check a step provided only what it declares. */
  tokens(): Set<Token<unknown>> {
    return new Set(this.#values.keys());
  }
}

/** What the hardware phase enumerated. */
export interface Hardware {
  cpu: CpuInfo;
  memory: MemInfo;
  disks: BlockDevice[];
  nics: NetInterface[];
}

// What the early phases find out, in the order they do.
/** The system files' pages in the page cache as the boot began (boot/phases/readahead.ts), when a readahead list is to be recorded. */
export const READAHEAD_START = token<Map<string, Uint8Array>>("readahead-start", "initramfs/init read ahead: no list to record");
export const HARDWARE = token<Hardware>("hardware", "the hardware was not enumerated");
/** Where the data disk was mounted (recorded before mounting: an EBUSY mount is still unmounted at shutdown). */
export const DATA_MOUNT = token<string>("data-mount", "no data disk was mounted");
/** The admin token in force, once resolved. */
export const ADMIN_TOKEN = token<string>("admin-token", "no admin token (the token step did not run)");
/** The management API's URL, once it listens. */
export const API_URL = token<string>("api-url", "the management API is not listening");

// The subsystems the boot phases start, in the order they come up.
export const INFERENCE = token<InferenceRuntime>("inference", "no inference runtime (the ai-runtime phase did not run)");
export const EMBEDDER = token<Embedder>("embedder", "no embedding model");
export const MEMORY = token<Memory>("memory", "no working memory (the memory step did not run)");
export const GOAL_STORES = token<GoalStores>("goal stores", "no goal tables (the memory step did not run)");
export const TOOLS = token<ToolSystem>("tools", "no tool executor (the tools step did not run)");
export const GATEWAY = token<Gateway>("gateway", "no gateway");
/** Why there is no gateway, when the gateway step found no provider to call. */
export const GATEWAY_OFF = token<string>("gateway-off", "the gateway step did not run");
export const ENGINE = token<GoalEngine>("engine", "no orchestrator (it needs the memory and tools steps)");
/** The API's request handler (the Hono app's fetch), which also answers over NATS in fleet mode. */
export const API_APP = token<(req: Request) => Response | Promise<Response>>("api-app", "no API");
export const ACTORS = token<ActorSystem>("actors", "no actor system");
export const AGENTS = token<AgentRuntime>("agents", "no agents");
export const AUTONOMY = token<AutonomyLoop>("autonomy", "no autonomy loop");
/** This node in the fleet, once fleet mode has loaded (it may still be connecting). */
export const FLEET = token<FleetPort>("fleet", "fleet mode is off");
