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
