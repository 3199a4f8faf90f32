/** The sys.* tools: system-wide housekeeping. */
import { sysCleanup } from "./cleanup";

export { sysCleanup };

export const sysTools = [sysCleanup];
