import { defineAgent } from "../define";

export const network = defineAgent({
  name: "network",
  description: "Interfaces, reachability, name resolution and HTTP checks.",
  capabilities: ["net"],
  handlers: {
    /** The interfaces with their addresses and link state. */
    status: (_msg, ctx) => ctx.result("net.interfaces", {}),
  },
});
