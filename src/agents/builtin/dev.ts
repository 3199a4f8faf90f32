import { defineAgent } from "../define";

export const dev = defineAgent({
  name: "dev",
  description: "Development work: editing files and running builds and tests.",
  capabilities: ["fs", "process"],
});
