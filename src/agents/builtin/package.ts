import { defineAgent } from "../define";

/** Its pkg tools come with the package manager; until then it can only read. */
export const pkg = defineAgent({
  name: "package",
  description: "Software packages: search, install, remove, upgrade.",
  capabilities: ["pkg", "fs.read", "fs.list"],
});
