/**
 * Seed 003's later phases. They keep their place in the boot order and report
 * `skipped` with the reason until the parts they start exist.
 */
import { definePhase } from "../step";

export const autonomy = definePhase({
  name: "autonomy",
  required: false,
  steps: [],
  pending: "no autonomy loop in this build yet",
});
