/**
 * The actor system: the registry of running actors by id, and the place
 * top-level actors (the root supervisor) are started from.
 */
import { ActorCell, DEFAULT_SHUTDOWN_MS, type Registry } from "./cell";
import { ActorExistsError } from "./errors";
import type { ActorLogic, ActorRef, SpawnOptions } from "./logic";

export class ActorSystem implements Registry {
  private readonly actors = new Map<string, ActorCell>();

  /** Starts a top-level actor (no parent: a crash is logged and it stays down). */
  spawn<M>(logic: ActorLogic<M, any>, opts: SpawnOptions): ActorRef<M> {
    return this.create(logic, opts);
  }

  /** Like spawn, and resolves once `initial` has finished (rejects if it threw). */
  async start<M>(logic: ActorLogic<M, any>, opts: SpawnOptions): Promise<ActorRef<M>> {
    const cell = this.create(logic, opts);
    await cell.ready;
    return cell;
  }

  get<M = any>(id: string): ActorRef<M> | undefined {
    return this.actors.get(id);
  }

  /** Every registered actor, in the order they were registered. */
  list(): ActorRef[] {
    return [...this.actors.values()];
  }

  register(cell: ActorCell): void {
    if (this.actors.has(cell.id)) throw new ActorExistsError(cell.id);
    this.actors.set(cell.id, cell);
  }

  unregister(cell: ActorCell): void {
    if (this.actors.get(cell.id) === cell) this.actors.delete(cell.id);
  }

  private create<M>(logic: ActorLogic<M, any>, opts: SpawnOptions): ActorCell<M> {
    const cell = new ActorCell<M>(this, logic, { id: opts.id, localId: opts.id, supervised: false, shutdownMs: opts.shutdownMs ?? DEFAULT_SHUTDOWN_MS });
    this.register(cell);
    cell.begin();
    return cell;
  }
}

export function createActorSystem(): ActorSystem {
  return new ActorSystem();
}
