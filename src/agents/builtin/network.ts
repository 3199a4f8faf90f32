import { netInterfaces } from "../../tools";
import { defineAgent } from "../define";

export const network = defineAgent({
  name: "network",
  description: "Interfaces, reachability, name resolution and HTTP checks; the firewall (open, close, list ports).",
  capabilities: ["net", "firewall"],
  handlers: {
    /** The interfaces with their addresses and link state. */
    status: (_msg, ctx) => ctx.result(netInterfaces, {}),
  },
});
