/** The service tools and the manager behind them: supervised processes with restart policy and dependencies. */
import { errorMessage, log } from "../../sys";
import type { HostProvider } from "../define";
import { ServiceManager } from "./manager";
import { serviceRemove } from "./remove";
import { serviceSetRestart } from "./restart-policy";
import { ServiceStore } from "./store";
import { serviceList, serviceRestart, serviceStart, serviceStatus, serviceStop } from "./tools";

export const serviceTools = [serviceStart, serviceStop, serviceRestart, serviceStatus, serviceList, serviceRemove, serviceSetRestart];

/**
 * Opens the service table in the working database, starts what was enabled
 * (in the background: boot does not wait for services; they wait for the
 * package manager to put back the packages they run), and stops every
 * service, dependents first, when the tool system closes.
 */
export const serviceHost: HostProvider = ({ env, working, host }) => {
  const store = new ServiceStore(working);
  const services = new ServiceManager({ env, store });
  const packagesBack = host.pkg?.restored ?? Promise.resolve();
  // ...and for the firewall's kept rules, so a port closed before the reboot is closed before its server starts.
  packagesBack.then(() => host.firewall?.restored).then(() => services.startEnabled()).then(
    (started) => started.length > 0 && log.info(`services: started ${started.join(", ")}`),
    (err) => log.warn(`services: ${errorMessage(err)}`),
  );
  return {
    host: { services },
    stop: () => services.stopAll(),
  };
};

export { RESTART_POLICIES, SERVICE_STATES, ServiceDefinitionSchema, TRANSITIONS, type ServiceDefinition, type ServiceDefinitionInput, type ServiceState } from "./definition";
export { ServiceError } from "./errors";
export { ServiceManager, type ServiceManagerOptions } from "./manager";
export type { ServiceStatus } from "./runtime";
export { serviceList, serviceRemove, serviceRestart, serviceStart, serviceStatus, serviceStop };
export { serviceSetRestart };
