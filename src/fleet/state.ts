/**
 * The fleet's small local state under <data>/fleet (resume points, fleet
 * goals taken but not yet answered): JSON files rewritten with fsync through
 * src/sys/durable.ts, so a power cut keeps what was acknowledged.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { errorMessage, log, mkdirDurable, writeFileDurable } from "../sys";

export class DurableJson<T extends object> {
  private value: T;
  constructor(private readonly path: string, empty: T) {
    let v = empty;
    try {
      if (existsSync(path)) v = JSON.parse(readFileSync(path, "utf8")) as T;
    } catch (err) {
      log.warn(`fleet: ${path}: ${errorMessage(err)}; starting from empty`);
    }
    this.value = v;
  }

  get(): Readonly<T> {
    return this.value;
  }

  set(next: T): void {
    this.value = next;
    if (!existsSync(dirname(this.path))) mkdirDurable(dirname(this.path));
    writeFileDurable(this.path, JSON.stringify(next));
  }
}
