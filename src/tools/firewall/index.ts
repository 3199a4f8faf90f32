/** The firewall.* tools: ports opened and closed with nftables (table inet aios), kept on the data disk and restored at boot. */
import { defaultConfig } from "../../config";
import type { HostProvider } from "../define";
import { FirewallManager, systemFirewallOptions } from "./manager";
import { firewallClose, firewallList, firewallOpen } from "./tools";

export { FirewallError } from "./errors";
export { canonicalNetwork, contains, formatNetwork, parseNetwork } from "./ip";
export { FirewallManager, loadNfTables, NFT_MODULES, NFT_PATH, systemFirewallOptions, type FirewallManagerOptions, type NftCommand, type ProtectedPort } from "./manager";
export { chainOrder, closePort, openPort, PROTOCOLS, ruleKey, type Rule } from "./model";
export { inSync, parseLiveTable, rulesetScript } from "./nft";
export { readRules, RULES_FILE, rulesPath, writeRules } from "./store";
export { firewallClose, firewallList, firewallOpen };

export const firewallTools = [firewallOpen, firewallClose, firewallList];

/**
 * ToolHost.firewall: this machine's firewall in the VM, an unavailable one in
 * dev mode. The management API's port is protected; boot sets the port in
 * force (setProtected), this default covers a tool system opened without it.
 */
export const firewallHost: HostProvider = ({ env }) => {
  const firewall = new FirewallManager({
    ...systemFirewallOptions(env.mode, env.paths.data),
    protect: [{ port: defaultConfig().network.management_port, protocol: "tcp", what: "the management API" }],
  });
  return { host: { firewall } };
};
