/** The sys.* tools: system-wide facts (uptime, versions) and housekeeping. */
import { sysCleanup } from "./cleanup";
import { sysHostname } from "./hostname";
import { sysPower } from "./power";
import { sysTime } from "./time";
import { sysTimezone } from "./timezone";
import { sysUndo } from "./undo";
import { sysUptime } from "./uptime";
import { sysVersion } from "./version";

export { sysCleanup, sysUptime, sysVersion };
export { sysUndo };
export { sysHostname, sysPower, sysTime, sysTimezone };
export { cmdlineHostname } from "./hostname";
export { setProcessZone } from "./timezone";
export { PowerError, type PowerRequest } from "./power";
export { currentHostname, HOSTNAME, LOCALTIME, readLocaltime, readSetting, writeLocaltime, writeSetting, ZONEINFO, zoneinfoDir, zoneProblem } from "./settings";

export const sysTools = [sysCleanup, sysUndo, sysUptime, sysVersion, sysHostname, sysTimezone, sysPower, sysTime];
