/** The user.* tools: accounts in /etc/passwd, /etc/group and /etc/shadow under the tools' root. */
import { userCreate } from "./create";
import { userDelete } from "./delete";
import { userAddToGroup, userRemoveFromGroup } from "./groups";
import { userList } from "./list";
import { userLock, userUnlock } from "./lock";
import { userSessions } from "./sessions";

export { UserError } from "./common";
export { userCreate, userDelete, userList, userSessions };
export { userAddToGroup, userLock, userRemoveFromGroup, userUnlock };

export const userTools = [userCreate, userDelete, userAddToGroup, userRemoveFromGroup, userLock, userUnlock, userList, userSessions];
