/** The net.* tools: interfaces, ping, DNS, HTTP and TCP port checks, on the real network stack. */
import { netCheckPort } from "./check-port";
import { netDns } from "./dns";
import { netHttpRequest } from "./http";
import { netHttpCheck } from "./http-check";
import { netInterfaces } from "./interfaces";
import { netListening } from "./listening";
import { netPing } from "./ping";

export { NetError } from "./common";
export { netCheckPort, netDns, netHttpCheck, netHttpRequest, netInterfaces, netListening, netPing };

export const netTools = [netInterfaces, netPing, netDns, netHttpRequest, netCheckPort, netHttpCheck, netListening];
