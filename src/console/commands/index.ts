import type { Command } from "../command";
import { agents } from "./agents";
import { approvals, approve, autonomy, deny } from "./approvals";
import { audit } from "./audit";
import { call } from "./call";
import { cancel, goal, goals, trace } from "./goals";
import { rollback } from "./rollback";
import { memory } from "./memory";
import { recall } from "./recall";
import { remember } from "./remember";
import { tools } from "./tools";
import { boot } from "./boot";
import { help } from "./help";
import { poweroff, reboot } from "./power";
import { shell } from "./shell";
import { status } from "./status";
import { update } from "./update";

/** The built-in commands, in the order `help` lists them. */
export const builtins: readonly Command[] = [help, status, boot, goal, goals, trace, cancel, agents, tools, call, approvals, approve, deny, autonomy, audit, rollback, remember, recall, memory, update, shell, poweroff, reboot];
