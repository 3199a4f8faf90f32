import { defineAgent } from "../define";

export const task = defineAgent({
  name: "task",
  description: "Runs the steps of a plan: processes and services, reading what they need; scheduled jobs; answers from the knowledge base.",
  capabilities: ["process", "service", "fs.read", "schedule", "memory.search"],
});
