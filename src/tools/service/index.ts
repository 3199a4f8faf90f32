/** The service tools and the manager behind them: supervised processes with restart policy and dependencies. */
import { join } from "node:path";
import { ServiceStore } from "../../memory";
import { errorMessage, log } from "../../sys";
import type { HostProvider } from "../catalog";
import { ServiceManager } from "./manager";
import { serviceRemove } from "./remove";
import { serviceList, serviceRestart, serviceStart, serviceStatus, serviceStop } from "./tools";

export const serviceTools = [serviceStart, serviceStop, serviceRestart, serviceStatus, serviceList, serviceRemove];

/**
 * Opens the service table in the working database, starts what was enabled
 * (in the background: boot does not wait for services), and stops every
 * service, dependents first, when the tool system closes.
 */
export const serviceHost: HostProvider = (env) => {
  const store = ServiceStore.open(join(env.paths.data, "memory/working.db"));
  const services = new ServiceManager({ env, store });
  services.startEnabled().then(
    (started) => started.length > 0 && log.info(`services: started ${started.join(", ")}`),
    (err) => log.warn(`services: ${errorMessage(err)}`),
  );
  return {
    host: { services },
    stop: async () => {
      await services.stopAll();
      store.close();
    },
  };
};

export { RESTART_POLICIES, SERVICE_STATES, ServiceDefinitionSchema, TRANSITIONS, type ServiceDefinition, type ServiceDefinitionInput, type ServiceState } from "./definition";
export { ServiceError } from "./errors";
export { ServiceManager, type ServiceManagerOptions } from "./manager";
export type { ServiceStatus } from "./runtime";
export { serviceList, serviceRemove, serviceRestart, serviceStart, serviceStatus, serviceStop };
