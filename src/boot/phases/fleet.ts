/**
 * Fleet mode (docs/fleet.md): with [fleet] enabled, the node joins the NATS
 * fleet once the system is ready, in the background. The step itself only
 * checks the settings (a missing key file is named here, at boot); the NATS
 * client is loaded with a dynamic import after ready, so fleet mode off costs
 * nothing and fleet mode on never holds up ready, however slow or absent the
 * server is.
 */
import pkg from "../../../package.json" with { type: "json" };
import { FleetError, fleetSettings } from "../../fleet/settings";
import type { FleetNodeDeps } from "../../fleet/node";
import { errorMessage, log } from "../../sys";
import type { BootContext } from "../context";
import { API_APP, API_URL, ENGINE, FLEET, TOOLS } from "../products";
import { definePhase, defineStep } from "../step";

function deps(ctx: BootContext, settings: FleetNodeDeps["settings"]): FleetNodeDeps {
  const tools = ctx.products.find(TOOLS);
  return {
    settings,
    dataDir: ctx.paths.data,
    hostname: ctx.config.system.hostname,
    version: pkg.version,
    startedAt: ctx.report.startedAt,
    app: () => ctx.products.find(API_APP),
    ledger: () => tools?.ledger,
    engine: () => ctx.products.find(ENGINE),
    autonomy: () => tools?.executor.policy.level ?? ctx.config.system.autonomy_level,
    approvalsPending: () => tools?.executor.approvals.pending().length ?? 0,
    apiUrl: () => ctx.products.find(API_URL) ?? null,
  };
}

export const fleet = definePhase({
  name: "fleet",
  required: false,
  steps: [
    defineStep({
      name: "fleet",
      required: false,
      provides: [FLEET],
      describe: (ctx) => {
        const f = ctx.config.fleet;
        if (!f.enabled) return "aios-fleet   # off: [fleet] enabled = false";
        const labels = Object.entries(f.labels).map(([k, v]) => `${k}=${v}`).join(",");
        return `aios-fleet --nats ${f.url.join(",")} --node ${f.node || ctx.config.system.hostname}${labels ? ` --labels ${labels}` : ""} &`;
      },
      run: (ctx) => {
        if (!ctx.config.fleet.enabled) return { skip: "fleet mode is off" };
        const settings = fleetSettings(ctx.config, ctx.paths);
        let stop: (() => Promise<void>) | undefined;
        ctx.afterReady.push(() => {
          import("../../fleet/node")
            .then(({ startFleetNode }) => {
              const node = startFleetNode(deps(ctx, settings));
              ctx.products.provide(FLEET, node);
              stop = () => node.stop();
            })
            .catch((err) => log.error(`fleet: ${err instanceof FleetError ? err.message : errorMessage(err)}`));
        });
        ctx.services.push({ name: "fleet", stop: () => stop?.() });
        return `joins ${settings.servers.join(", ")} as ${settings.node} in the background once ready`;
      },
    }),
  ],
});
