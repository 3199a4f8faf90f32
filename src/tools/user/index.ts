/** The user.* tools: accounts in /etc/passwd, /etc/group and /etc/shadow under the tools' root. */
import { userCreate } from "./create";
import { userDelete } from "./delete";

export { UserError } from "./common";
export { userCreate, userDelete };

export const userTools = [userCreate, userDelete];
