/**
 * Users: create (with groups, sudo included), delete, group membership,
 * lock and unlock, who has an account, who is logged in.
 */
import { defineIntent, type IntentContext, IntentRefusal, refuse } from "../intent";
import { call, probe, task } from "./common";

export type UserArgs =
  | { action: "create"; name: string; system: boolean; groups: string[]; home?: string; shell?: string; uid?: number; comment?: string; createHome?: boolean; add?: boolean }
  | { action: "delete"; name: string; removeHome: boolean; system?: boolean };

/** Group names people say for the one Debian uses. */
function groupName(g: string): string {
  return g === "sudoers" ? "sudo" : g;
}

const SUDO = "(sudo|admin|administrator|administrative|superuser|sudoer)";
const POWERS = "(access|rights|privileges|permissions|powers|perms|privs|rights)";
const ACCOUNT = "(user|account|user account|login|system user <system=true>|system account <system=true>|service account <system=true>|service user <system=true>)";

export const manageUser = defineIntent<UserArgs>({
  name: "manage-user",
  summary: "create or delete a user",
  examples: ["create a user alice", "add user bob with shell /bin/bash in groups sudo and adm", "create a system user svc", "add a user deploy with sudo access", "delete user alice and her home directory"],
  forms: [
    `(create|make|set up|setup|register|new) [new] ${ACCOUNT} [named|called|with name|name|for] {name:user} <action=create>`,
    `add [new] ${ACCOUNT} [named|called|with name|name|for] {name:user} <action=create> <add=true>`,
    `(create|add|make|set up) {name:user} [as] [new] ${ACCOUNT} <action=create>`,
    `(useradd|adduser) [--system <system=true>|-r <system=true>] {name:user} <action=create>`,
    `(delete|remove|drop|erase|get rid of|destroy) [the] ${ACCOUNT} [named|called|of|for|belonging to|owned by] {name:user} <action=delete>`,
    `(delete|remove|drop|erase|get rid of) {name:user} (user|account|user account|login) <action=delete>`,
    "(userdel|deluser) [-r <removeHome=true>|--remove-home <removeHome=true>] {name:user} <action=delete>",
  ],
  qualifiers: [
    `with ${SUDO} ${POWERS} <sudo=true>`,
    `with ${SUDO}  <sudo=true>`,
    `(who|that) (can|may|is allowed to) (use sudo|sudo|run sudo|become root|administer system|administer machine) <sudo=true>`,
    `as [an] (admin|administrator|sudoer) <sudo=true>`,
    "(in|to|into|as member of|as a member of|member of|and add to|and put in) [the] [group|groups] {groups:groups} [group|groups]",
    "(with|and) (login shell|shell) {shell:path}",
    "(using|with) {shell:path} as [login] shell",
    "(with|and) home [directory|dir|folder] [at|in] {home:path}",
    "(with|and) {home:path} as [home|home directory]",
    "(without|with no|and no) home [directory|dir|folder] <nohome=true>",
    "(with|and) uid {uid:number}",
    "(with|and) (comment|description|full name|gecos|real name) {comment:quoted}",
    "as [a] system (user|account) <system=true>",
    "(and|with|along with|including|plus) (his|her|their|its|the) home [directory|dir|folder|files|directories] <removeHome=true>",
    "(but|and) (keep|keeping|leave|leaving|preserve) (his|her|their|its|the) home [directory|dir|folder|files] <removeHome=false>",
    "without (deleting|removing|touching) (his|her|their|its|the) home [directory|dir|folder|files] <removeHome=false>",
  ],
  build(c) {
    if (c.conflicting("action")) return refuse("it says both to create and to delete");
    const name = c.get<string>("name")!;
    if (c.get("action") === "delete") {
      const creating = ["sudo", "groups", "shell", "home", "nohome", "uid", "comment"].find((k) => c.has(k));
      if (creating) return refuse(`"${creating}" describes a user to create, not one to delete`);
      if (c.conflicting("removeHome")) return refuse("it says both to delete and to keep the home directory");
      return { action: "delete", name, removeHome: c.get<boolean>("removeHome") ?? false, ...(c.has("system") ? { system: true } : {}) };
    }
    if (c.has("removeHome")) return refuse("what to do with a home directory is said when deleting a user");
    const groups = [...new Set([...c.all<string[]>("groups").flat().map(groupName), ...(c.has("sudo") ? ["sudo"] : [])])];
    const args: UserArgs = { action: "create", name, system: c.has("system"), groups };
    if (c.has("home")) args.home = c.get<string>("home")!;
    if (c.has("shell")) args.shell = c.get<string>("shell")!;
    if (c.has("uid")) args.uid = c.get<number>("uid")!;
    if (c.has("comment")) args.comment = c.get<string>("comment")!;
    if (c.has("nohome")) {
      if (args.home) return refuse("it gives a home directory and says there is none");
      args.createHome = false;
    }
    if (c.has("add")) args.add = true;
    return args;
  },
  object: (a) => a.name,
  describe: (a) =>
    a.action === "delete"
      ? `delete ${a.name}${a.removeHome ? " with its home" : ""}`
      : `create ${a.name}${a.system ? " (system)" : ""}${a.groups.length ? `, groups: ${a.groups.join(", ")}` : ""}${a.home ? `, home: ${a.home}` : ""}${a.shell ? `, shell: ${a.shell}` : ""}${a.createHome === false ? ", no home" : ""}`,
  async plan(a, ctx) {
    if (a.action === "delete") {
      const args: Record<string, unknown> = { name: a.name, removeHome: a.removeHome };
      if (a.system) args.system = true;
      return [task("delete-user", `Delete the user ${a.name}`, "system", [call("user.delete", args)])];
    }
    // "add user deploy to sudo" said of an account that exists: add it to the groups rather than fail to create it.
    if (a.add && a.groups.length && ctx.tools.some((t) => t.name === "user.list")) {
      const users = await probe<{ users: Array<{ name: string }> }>(ctx, "user.list", { system: true });
      // Whether the account exists decides between creating it and adding it to groups: no guess when it cannot be known.
      if (!users.ok) throw new IntentRefusal(`cannot tell whether ${a.name} exists (user.list: ${users.message}); say "create user ${a.name}" or "add ${a.name} to ${a.groups[0]}"`);
      if (users.value.users.some((u) => u.name === a.name)) {
        if (a.home || a.shell || a.uid !== undefined || a.comment || a.system || a.createHome === false) throw new IntentRefusal(`${a.name} already exists; only its groups can be changed here`);
        return [task("add-to-groups", `Add ${a.name} to ${a.groups.join(", ")}`, "system", a.groups.map((group) => call("user.add_to_group", { user: a.name, group }, `${a.name} already exists`)))];
      }
    }
    ctx.earlier.users.add(a.name);
    const callArgs: Record<string, unknown> = { name: a.name };
    if (a.system) callArgs.system = true;
    if (a.groups.length) callArgs.groups = a.groups;
    for (const k of ["home", "shell", "uid", "comment", "createHome"] as const) if (a[k] !== undefined) callArgs[k] = a[k];
    return [task("create-user", `Create the user ${a.name}`, "system", [call("user.create", callArgs, `passwd, group and shadow entries, a private group${a.createHome === false ? "" : " and a home directory"}${a.groups.length ? `; member of ${a.groups.join(", ")}` : ""}`)])];
  },
});

export interface GroupArgs {
  action: "add" | "remove";
  user: string;
  groups: string[];
}

export const userGroups = defineIntent<GroupArgs>({
  name: "user-groups",
  summary: "add a user to a group, or take them out",
  examples: ["add deploy to sudo", "put alice in the adm group", "grant deploy sudo", "remove bob from the sudo group"],
  forms: [
    "(add|put|place|include|enroll) [user] {user:user} (to|in|into|as member of|as a member of) [the] [group|groups] {groups:groups} [group|groups] <action=add>",
    "(make|let) [user] {user:user} [a] member of [the] [group] {group:group} [group] <action=add>",
    `(grant|give) [user] {user:user} ${SUDO} [${POWERS}] <action=add> <group=sudo>`,
    `(grant|give) ${SUDO} [${POWERS}] to [user] {user:user} <action=add> <group=sudo>`,
    "make [user] {user:user} [an|a] (admin|administrator|sudoer) <action=add> <group=sudo>",
    `(give|grant) [user] {user:user} (access|rights|permission|permissions|privileges) (to|for) ${SUDO} <action=add> <group=sudo>`,
    "let [user] {user:user} be [an|a] (admin|administrator|sudoer) <action=add> <group=sudo>",
    "(let|allow) [user] {user:user} [to] (use|run) sudo <action=add> <group=sudo>",
    "usermod (-ag|-a -g) {group:group} {user:user} <action=add>",
    "gpasswd -a {user:user} {group:group} <action=add>",
    "adduser {user:user} {group:group} <action=add>",
    "(remove|take|drop|kick|delete|pull) [user] {user:user} (from|out of|off) [the] [group|groups] {groups:groups} [group|groups] <action=remove>",
    `(revoke|take away|remove|withdraw) [the] ${SUDO} [${POWERS}] (from|of) [user] {user:user} <action=remove> <group=sudo>`,
    `(revoke|take away|remove) [user] {user:user} ${SUDO} ${POWERS} <action=remove> <group=sudo>`,
    "gpasswd -d {user:user} {group:group} <action=remove>",
    "deluser {user:user} {group:group} <action=remove>",
  ],
  build(c) {
    if (c.conflicting("action")) return refuse("it says both to add and to remove");
    const groups = [...new Set([...c.all<string>("group"), ...c.all<string[]>("groups").flat()].map(groupName))];
    return { action: c.get<"add" | "remove">("action")!, user: c.get<string>("user")!, groups };
  },
  object: (a) => a.user,
  describe: (a) => `${a.action === "add" ? "add" : "remove"} ${a.user} ${a.action === "add" ? "to" : "from"} ${a.groups.join(", ")}`,
  async plan(a, ctx) {
    await requireUser(ctx, a.user);
    const tool = a.action === "add" ? "user.add_to_group" : "user.remove_from_group";
    return [task(a.action === "add" ? "add-to-group" : "remove-from-group", `${a.action === "add" ? "Add" : "Remove"} ${a.user} ${a.action === "add" ? "to" : "from"} ${a.groups.join(", ")}`, "system", a.groups.map((group) => call(tool, { user: a.user, group }, "the group file is edited in place; undo restores the membership")))];
  },
});

/** When this system can list its users: refuses a name that is not one of them (a misreading never reaches a tool). */
async function requireUser(ctx: IntentContext, name: string): Promise<void> {
  if (ctx.earlier.users.has(name) || !ctx.tools.some((t) => t.name === "user.list")) return;
  const r = await probe<{ users: Array<{ name: string }> }>(ctx, "user.list", { system: true });
  if (r.ok && !r.value.users.some((u) => u.name === name)) throw new IntentRefusal(`there is no user named ${name}`);
}

const HARD_VERBS_LOCK = "(disable|suspend|deactivate|block|freeze)";
/** "the account of bob", "the login belonging to bob". */
const OF_USER = "(account|login|user account|password|user) (of|for|belonging to|owned by|used by) [user] {name:user}";

export const lockUser = defineIntent<{ action: "lock" | "unlock"; name: string }>({
  name: "lock-user",
  summary: "lock or unlock a user account",
  examples: ["lock bob's account", "unlock the user alice", "disable the account mallory"],
  forms: [
    "lock [out] [the] [user|account|user account|login] [named|called] {name:user} [out] [account|user|login|password] <action=lock>",
    `(lock|${HARD_VERBS_LOCK.slice(1, -1)}) [out] [the] ${OF_USER} <action=lock>`,
    `${HARD_VERBS_LOCK} [the] (user|account|user account|login) [named|called] {name:user} <action=lock>`,
    `${HARD_VERBS_LOCK} [the] {name:user} (account|login|user) <action=lock>`,
    "unlock [the] [user|account|user account|login] [named|called] {name:user} [account|user|login|password] <action=unlock>",
    `(unlock|enable|reactivate|unblock|unfreeze|unsuspend|re-enable) [the] ${OF_USER} <action=unlock>`,
    "(enable|reactivate|unblock|unfreeze|unsuspend|re-enable) [the] (user|account|user account|login) {name:user} <action=unlock>",
    "(enable|reactivate|unblock|unfreeze|unsuspend|re-enable) [the] {name:user} (account|login|user) <action=unlock>",
    "(passwd|usermod) (-l <action=lock>|-u <action=unlock>|-U <action=unlock>|-L <action=lock>) {name:user}",
  ],
  build(c) {
    if (c.conflicting("action")) return refuse("it says both to lock and to unlock");
    return { action: c.get<"lock" | "unlock">("action")!, name: c.get<string>("name")! };
  },
  object: (a) => a.name,
  describe: (a) => `${a.action} ${a.name}`,
  async plan(a, ctx) {
    await requireUser(ctx, a.name);
    return [task(`${a.action}-user`, `${a.action === "lock" ? "Lock" : "Unlock"} ${a.name}`, "system", [call(`user.${a.action}`, { name: a.name }, a.action === "lock" ? "the password is disabled (shadow \"!\"), as passwd -l; undo unlocks" : "the password works again, as passwd -u")])];
  },
});

/** A group named in a question about its members: "the adm group", "group adm", "sudo", and after "member of"/"belong to" a bare name ("wheel"). */
const GROUP_NAMED = "(group {group:group}|{group:group} group|(sudo|sudoers|sudo group) <group=sudo>)";
const GROUP_ANY = "(group {group:group}|{group:group} group|(sudo|sudoers|sudo group) <group=sudo>|{group:group})";
const MEMBERS = "(users|accounts|user accounts|people|members|logins)";

export const listUsers = defineIntent<{ system?: boolean; group?: string }>({
  name: "list-users",
  summary: "list the user accounts, or a group's members",
  examples: ["list users", "which accounts exist?", "show all user accounts including system ones", "who is in the adm group", "show the members of the sudo group", "which users belong to wheel"],
  forms: [
    "@show [all] [the] [system <system=true>] (users|user accounts|accounts|logins|user list) [on system|on machine]",
    "@what (users|accounts|user accounts) (are there|exist|do i have|are defined|are configured|does it have|do we have|are on machine|are on system)",
    "who has (an account|accounts|a login|an user account)",
    `@what ${MEMBERS} (have|are in|belong to|are members of|are member of|can use) [the] [group] ({group:group} [group|access|rights]|${SUDO} <group=sudo> [${POWERS}])`,
    "who (has|can use|is in|belongs to) [the] (sudo <group=sudo>|group {group:group}|{group:group} group) [access|rights]",
    "@show [the] (user|account) list",
    // A group's members, however the question is turned.
    `(who|@what ${MEMBERS}) (is|are) (in|inside|within) [the] ${GROUP_NAMED}`,
    `(who|@what ${MEMBERS}) (is|are) (a member of|member of|members of|part of|listed in|enrolled in) [the] ${GROUP_ANY}`,
    `(who|@what ${MEMBERS}) (belongs|belong|is belonging) to [the] ${GROUP_ANY}`,
    `who (is|are) [the] (members|member|users|people|accounts) (of|in) [the] ${GROUP_ANY}`,
    `[@show] [the] (members|member list|membership|users|accounts|people|everyone|everybody|anyone|all members) (of|in|inside|belonging to) [the] ${GROUP_ANY}`,
    `@show [the] ${GROUP_NAMED} ('s|s) (members|member list|membership|users|accounts)`,
    `@show [the] ${GROUP_NAMED} (members|member list|membership|users|accounts)`,
    `@what ${MEMBERS} (does|do) [the] ${GROUP_NAMED} (have|contain|include|list)`,
    `(does|do) [the] ${GROUP_NAMED} (have|contain|include) [any] (members|users|accounts|people|one|anyone|anybody) [in it]`,
    "(is|are) (anyone|anybody|someone|somebody|any users|any accounts) (in|a member of|member of|part of) [the] " + GROUP_NAMED,
    "(who|@what (users|accounts|people)) (is|are) [a|an|the|all|all the] (sudoer|sudoers|sudo users|sudo user|admins|administrators|admin users|admin) <group=sudo>",
    "@show [all] [the] (sudoers|sudo users) <group=sudo>",
    "(getent group|members) {group:group}",
  ],
  qualifiers: ["(including|with|and|plus) [the] system (users|accounts|ones) <system=true>"],
  build(c) {
    if (c.conflicting("group")) return refuse("ask about one group at a time");
    // A group's members are listed whatever their uid: system accounts are members too.
    if (c.has("group")) return { group: c.get<string>("group")! === "sudoers" ? "sudo" : c.get<string>("group")! };
    return c.has("system") ? { system: true } : {};
  },
  // "which users have sudo": the members of sudo; "list users": each account with its groups.
  describe: (a) => (a.group ? `members of ${a.group}` : a.system ? "all, system accounts included" : "regular users, with their groups"),
  async plan(a) {
    if (a.group) return [task("group-members", `List the members of ${a.group}`, "system", [call("user.list", { group: a.group }, "the accounts /etc/group lists in it, and those whose primary group it is")])];
    return [task("list-users", "List the user accounts", "system", [call("user.list", { ...a })])];
  },
});

export const userInfo = defineIntent<{ name: string }>({
  name: "user-info",
  summary: "show a user's account and groups",
  examples: ["what groups is alice in?", "which groups does bob belong to", "is bob in the sudo group?", "does alice have sudo rights?", "id bob"],
  forms: [
    "@what (groups|group) (is|are) [user] {name:user} (in|a member of|member of|part of|in as member)",
    "@what (groups|group) (does|do) [user] {name:user} (belong to|have|be in|belong in|is in)",
    "@what (groups|group) [user] {name:user} (belongs to|is in|is a member of|has)",
    "@show [the] (groups|group memberships|memberships|group membership) (of|for) [user|account] {name:user}",
    "@show [user|account] {name:user} (groups|group memberships|memberships|account|details|info)",
    "@show [me] [the] (info|information|details|everything) (about|on|for|of) [the] (user|account) {name:user}",
    "(groups|id) {name:user}",
    "in (which|what) (groups|group) (is|are) [user] {name:user}",
    "@show [all] [the] (groups|group memberships|memberships) [that] [user] {name:user} (belongs to|is in|is a member of|has|belong to)",
    `(is|are) [user|account] {name:user} (allowed|permitted|able|authorized|authorised) to (use|run) (sudo|root|${SUDO} commands)`,
    `(does|do|can) [user|account] {name:user} (have|get) (root|admin|administrator|superuser) (${POWERS}|access)`,
    "(is|are) [user|account] {name:user} (in|a member of|member of|part of|in group) [the] [group] {group:group} [group]",
    `(is|are) [user|account] {name:user} [a|an] ${SUDO} [user|account]`,
    `(does|do|can) [user|account] {name:user} (have|get|use|run) [the] ${SUDO} [${POWERS}|access]`,
    `(does|do) [user|account] {name:user} have ${POWERS} (to|for) ${SUDO}`,
    "(does|do) [user|account] {name:user} belong to [the] [group] {group:group} [group]",
    // Whether the password is locked is in the account's details.
    "(is|are) [user|the user|account|the account] {name:user} ['s] [account|login|user] (locked|locked out|disabled|enabled|unlocked|active)",
  ],
  build: (c) => ({ name: c.get<string>("name")! }),
  object: (a) => a.name,
  describe: (a) => `${a.name}'s account and groups`,
  async plan(a, ctx) {
    await requireUser(ctx, a.name);
    return [task("user-info", `Show ${a.name}'s account and groups`, "system", [call("user.list", { name: a.name }, "its primary and supplementary groups (sudo among them), home, shell and whether it is locked")])];
  },
});

export const sessions = defineIntent<Record<string, never>>({
  name: "sessions",
  summary: "show who is logged in",
  examples: ["who is logged in?", "show active sessions", "is anyone logged in?"],
  forms: [
    "who (is|are) (logged in|logged on|online|signed in|signed on|connected|on|using machine|using system|using this|here|on system)",
    "who else is (logged in|online|on|connected)",
    "who (logged in|logged on|signed in|has logged in)",
    "@show [the] [active|current|open|all] (sessions|logins|logged in users|logged-in users|users logged in|login sessions|user sessions|who is logged in)",
    "@what (users|people|sessions) (are|is) (logged in|online|connected|active|open)",
    "(is|are) (anyone|anybody|someone|somebody|any users) (logged in|online|connected|on|using machine)",
    "(who|w|users)",
  ],
  build: () => ({}),
  describe: () => "logged-in users",
  async plan() {
    return [task("sessions", "Show who is logged in", "security", [call("user.sessions", {})])];
  },
});
