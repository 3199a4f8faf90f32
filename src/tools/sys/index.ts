/** The sys.* tools: system-wide facts (uptime, versions) and housekeeping. */
import { sysCleanup } from "./cleanup";
import { sysUndo } from "./undo";
import { sysUptime } from "./uptime";
import { sysVersion } from "./version";

export { sysCleanup, sysUptime, sysVersion };
export { sysUndo };

export const sysTools = [sysCleanup, sysUndo, sysUptime, sysVersion];
