/** Argument schemas several tool families share, with messages that name the limit. */
import * as v from "valibot";

/** An integer within bounds (`unit` is appended to the bounds in the message: "ms", "lines"). */
export function intArg(min: number, max: number, unit = "") {
  const u = unit ? ` ${unit}` : "";
  return v.pipe(
    v.number("must be a number"),
    v.integer("must be an integer"),
    v.minValue(min, `must be at least ${min}${u}`),
    v.maxValue(max, `must be at most ${max}${u}`),
  );
}

/** An ISO 8601 time ("2025-01-31T12:00:00Z", "2025-01-31"), kept as the string given. */
export function isoTimeArg() {
  return v.pipe(
    v.string("must be a string"),
    v.check((s) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), "must be an ISO time such as 2025-01-31T12:00:00Z"),
  );
}
