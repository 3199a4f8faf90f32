/**
 * Seeded random JSON Schemas for tests and benchmarks of constrained
 * decoding: objects nested two deep with required and optional properties,
 * enums, consts, integers and numbers with bounds, strings with patterns,
 * arrays with item bounds, anyOf and null. Free-length strings are left out:
 * a random-weight model would rarely close one within a token budget, and the
 * point is that whatever is produced validates.
 */
import { seededRandom } from "../../sys/random";

const NAMES = ["id", "name", "kind", "count", "size", "tags", "owner", "state", "level", "items", "port", "host", "mode", "ratio", "path", "enabled", "retries", "unit"];
const PATTERNS = ["^[a-z]{1,8}$", "^[A-Z][a-z]{1,6}$", "^\\d{3}-\\d{4}$", "^(red|green|blue)$", "^[a-f0-9]{4,8}$", "^v\\d\\.\\d{1,2}$", "^/[a-z]{1,6}(/[a-z]{1,6}){0,2}$", "^[a-z]{1,6}(-[a-z]{1,6})?$"];
const WORDS = ["alpha", "beta", "gamma", "on", "off", "fast", "slow", "tcp", "udp", "read-only", "x y", "é"];

export function randomSchemas(seed: number, count: number): Array<Record<string, unknown>> {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;

  const scalar = (): Record<string, unknown> => {
    switch (int(0, 8)) {
      case 0: {
        const n = int(1, 4);
        return { enum: [...new Set(Array.from({ length: n }, () => pick(WORDS)))] };
      }
      case 1: {
        const lo = int(-50, 50);
        return { type: "integer", minimum: lo, maximum: lo + int(0, 500) };
      }
      case 2: {
        const lo = int(-10, 10);
        return { type: "number", minimum: lo, maximum: lo + int(1, 100) };
      }
      case 3:
      case 4:
        return { type: "string", pattern: pick(PATTERNS) };
      case 5:
        return { type: "boolean" };
      case 6:
        return { const: pick([1, "fixed", true, null]) };
      case 7:
        return { anyOf: [{ type: "integer", minimum: 0, maximum: 9 }, { type: "string", pattern: pick(PATTERNS) }] };
      default:
        return { type: ["integer", "null"], minimum: 0, maximum: 99 };
    }
  };

  const value = (depth: number): Record<string, unknown> => {
    const r = rand();
    if (depth < 2 && r < 0.15) return object(depth + 1);
    if (r < 0.3) {
      const min = int(0, 1);
      return { type: "array", items: depth < 2 && rand() < 0.3 ? object(depth + 1) : scalar(), minItems: min, maxItems: min + int(0, 2) };
    }
    return scalar();
  };

  const object = (depth: number): Record<string, unknown> => {
    const names = [...new Set(Array.from({ length: int(1, 4) }, () => pick(NAMES)))];
    const properties = Object.fromEntries(names.map((n) => [n, value(depth)]));
    const required = names.filter(() => rand() < 0.6);
    return { type: "object", properties, required, additionalProperties: false };
  };

  return Array.from({ length: count }, () => object(0));
}
