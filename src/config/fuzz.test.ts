/**
 * Bounded, seeded fuzzing of config.toml (issue 11): the shipped file mangled
 * line by line. parseConfig never throws, always returns a configuration the
 * schema accepts, and names every problem with the file and (when it parsed)
 * the line; a file that is not TOML is `unusable`, never half-read.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { fuzzSeed, rng } from "../sys/fuzz.testing";
import { parseConfig } from "./load";
import { ConfigSchema } from "./schema";

const SEED = fuzzSeed(2026);
const SRC = "/etc/aios/config.toml";
const SHIPPED = readFileSync(join(import.meta.dir, "../../rootfs/etc/aios/config.toml"), "utf8").split("\n");
const VALUES = ['""', '"x"', "0", "-1", "1e309", "true", "[]", "[1, \"a\"]", "{}", '{ a = 1 }', '"0s"', '"* * * * * *"', '"\\u0000"', "nan", '"/../../x"', '"' + "y".repeat(300) + '"'];

test(`config.toml under 400 random manglings (seed ${SEED})`, () => {
  const r = rng(SEED);
  const t0 = performance.now();
  for (let i = 0; i < 400 && performance.now() - t0 < 5000; i++) {
    const lines = [...SHIPPED];
    for (let k = 1 + r.int(6); k > 0; k--) {
      const at = r.int(lines.length);
      const line = lines[at] ?? "";
      switch (r.int(6)) {
        case 0: // a value replaced
          lines[at] = line.includes("=") ? `${line.slice(0, line.indexOf("=") + 1)} ${r.pick(VALUES)}` : line;
          break;
        case 1: // a key misspelt
          lines[at] = line.replace(/^([a-z_]+)/, (m) => `${m}x`);
          break;
        case 2: // a line dropped or doubled
          if (r.chance(0.5)) lines.splice(at, 1);
          else lines.splice(at, 0, line);
          break;
        case 3: // a character lost
          lines[at] = line.slice(0, Math.max(0, line.length - 1 - r.int(5)));
          break;
        case 4: // garbage
          lines.splice(at, 0, String.fromCharCode(...Array.from({ length: 1 + r.int(20) }, () => 32 + r.int(95))));
          break;
        default: // a table header mangled
          lines[at] = line.startsWith("[") ? `[${r.pick(["system", "nope", "security.agents.x", "api.Bad Name", "autonomy"])}]` : line;
      }
    }
    const text = lines.join("\n");
    const out = parseConfig(text, SRC);
    const ctx = { seed: SEED, i };
    expect({ ...ctx, valid: v.safeParse(ConfigSchema, out.config).success }).toEqual({ ...ctx, valid: true });
    for (const p of out.problems) expect(p.startsWith(`config: ${SRC}: `)).toBe(true);
    if (out.unusable) {
      expect(out.problems).toHaveLength(1);
      expect(out.unusable).toMatch(/^line \d+: not valid TOML: /);
    } else {
      expect(out.text).toBe(text);
      // Keys the mangling did not touch keep their values: the file is merged, never dropped.
      for (const p of out.problems) expect(p).toMatch(new RegExp(`^config: ${SRC}: (line \\d+: )?[\\w.@-]+: `));
    }
  }
}, 15_000); // the loop stops itself at 5 s
