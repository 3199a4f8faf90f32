/** The sys.* tools: system-wide housekeeping. */
import { sysCleanup } from "./cleanup";
import { sysUndo } from "./undo";

export { sysCleanup };
export { sysUndo };

export const sysTools = [sysCleanup, sysUndo];
