/** The user.* tools: accounts in /etc/passwd, /etc/group and /etc/shadow under the tools' root. */
import { userCreate } from "./create";
import { userDelete } from "./delete";
import { userAddToGroup, userRemoveFromGroup } from "./groups";
import { userLock, userUnlock } from "./lock";

export { UserError } from "./common";
export { userCreate, userDelete };
export { userAddToGroup, userLock, userRemoveFromGroup, userUnlock };

export const userTools = [userCreate, userDelete, userAddToGroup, userRemoveFromGroup, userLock, userUnlock];
