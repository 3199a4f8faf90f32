/** The web console: served at `/` from assets built into the binary. */
import { consoleRoutes } from "./routes";

/** The console's routes; the assets module (a build-time macro) is loaded on the first request, so neither PID 1's boot nor the CLI pays for it. */
export const webConsole = () => consoleRoutes(() => import("./assets").then((m) => m.ASSETS));
export { consoleRoutes, page } from "./routes";
export type { ConsoleAssets } from "./bundle";
