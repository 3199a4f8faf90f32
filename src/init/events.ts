/**
 * A one-reader event channel. Signal handlers and the API only push into it;
 * the main loop pulls and acts, so no decision is ever taken inside a handler.
 */
export class Channel<T> {
  private readonly items: T[] = [];
  private waiter?: (item: T) => void;

  push(item: T): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(item);
    } else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

export type PowerAction = "poweroff" | "reboot" | "halt";
export type InitEvent = { type: "power"; action: PowerAction; origin: string };
