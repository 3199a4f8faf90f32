import { defineAgent } from "../define";

export const task = defineAgent({
  name: "task",
  description: "Runs the steps of a plan: processes and services, reading what they need; scheduled jobs.",
  capabilities: ["process", "service", "fs.read", "schedule"],
});
