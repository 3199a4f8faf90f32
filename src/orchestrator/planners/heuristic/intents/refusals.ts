/**
 * Requests read only to be refused, with the reason: destroying the audit
 * ledger, formatting disks, root for everyone, killing every process,
 * deleting everything, stopping aiOS itself, switching security off, and
 * what aiOS does not do at all (poems, jokes, the weather). Tried first, so
 * no other intent reads a part of them. Everything else that is dangerous
 * is caught by the plan-level lines in safety.ts.
 */
import { defineIntent, refuse } from "../intent";

function refusal(name: string, summary: string, example: string, why: string, forms: string[]) {
  return defineIntent<never>({
    name,
    summary,
    examples: [example],
    refusal: true,
    forms,
    build: () => refuse(why),
    describe: () => "",
    async plan() {
      return [];
    },
  });
}

const WIPE = "(delete|remove|erase|wipe|wipe out|clear|clean|clean up|truncate|purge|reset|destroy|get rid of|empty|disable|turn off|switch off|stop|shred|rm|edit|rewrite|modify|alter)";

export const REFUSALS = [
  refusal("refuse-audit", "destroy the audit ledger", "delete the audit log", "the audit ledger is the record of every change aiOS makes; it is never deleted, edited or switched off from a goal", [
    `${WIPE} [the|all] [of] (audit|audit log|audit logs|audit trail|audit ledger|audit history|audit records|audit entries|ledger|audit database)`,
    `${WIPE} [all] [the] (entries|records|history) (in|of|from) [the] (audit log|audit trail|audit ledger|ledger)`,
    "(cover|hide) [my|our] (tracks|traces)",
  ]),
  refusal("refuse-format", "format or wipe a disk", "format the disk", "aiOS has no tool that formats, partitions or wipes disks, and would not do it from a sentence", [
    "(format|reformat|wipe|erase|zero|zero out|partition|repartition|shred|nuke|destroy) [the] [whole|entire|main|system|root|boot|hard|first|second] (disk|drive|hard drive|hard disk|ssd|partition|partitions|filesystem|disks|drives|sda|vda|sdb|storage|volume)",
    "(mkfs|mkfs.ext4|fdisk|parted|wipefs|dd) [{text}]",
  ]),
  refusal("refuse-everyone-root", "give every user root", "give everyone root", "giving every user root or sudo removes the difference between users; add the one user who needs it to the sudo group instead", [
    "(give|grant|make|let) (everyone|everybody|all users|every user|anyone|anybody|all accounts|the world|other users|all) [root|sudo|admin|administrator|full|superuser] [access|rights|privileges|permissions|powers] [to root|root|sudo|admins|administrators]",
    "(add|put) (everyone|everybody|all users|every user|all accounts) (to|in|into) [the] [group] (sudo|root|wheel|admin|adm) [group]",
    "(make|set) (everyone|everybody|all users|every user) [an|a] (admin|administrator|root|sudoer|superuser)",
    "(remove|disable|delete|turn off) [the] (root password|password for root|sudo password)",
  ]),
  refusal("refuse-kill-all", "kill every process", "kill all processes", "killing every process would take the system down; name the process (a pid, or a name that matches one)", [
    "(kill|terminate|stop|end|murder) (all|every|every single|each|each and every) [running] (process|processes|program|programs|task|tasks|thing)",
    "(kill|terminate) (everything|all processes|all)",
    "kill -9 -1",
  ]),
  refusal("refuse-delete-everything", "delete everything", "delete everything", "deleting everything would destroy the system; name the file or directory", [
    "(delete|remove|erase|wipe|rm|destroy|nuke|trash) [-rf|-fr|-r] (everything|all files|all the files|every file|whole system|the whole system|entire system|filesystem|file system|all data|entire disk|all of it|the lot) [(on|from|under|in|at) [the] (system|machine|disk|server|/|root|box)]",
    "(delete|remove|erase|wipe|rm) [-rf|-fr|-r] (all|everything) (under|in|on|from) (/|root)",
    "rm -rf /*",
  ]),
  refusal("refuse-stop-aios", "stop aiOS itself", "stop aios", "aiOS is PID 1, the system itself; say \"reboot\" or \"power off\" to restart or stop the machine", [
    "(stop|kill|terminate|disable|uninstall|remove|delete|crash|exit|quit|shut down) (aios|aios-init|aios init|init|pid 1|process 1|yourself|the orchestrator)",
  ]),
  refusal("refuse-security-off", "switch security off", "disable authentication", "aiOS does not switch its safeguards off from a sentence (capabilities, approvals, the audit ledger, authentication)", [
    "(disable|turn off|switch off|remove|bypass|skip|deactivate|ignore) [the|all] (security|safeguards|permissions|permission checks|authentication|auth|api key|api keys|capabilities|approvals|approval|sandbox|sandboxing|access control|safety|safety checks)",
  ]),
  refusal("refuse-out-of-scope", "something aiOS does not do", "write me a poem", "aiOS administers this machine (packages, services, files, users, the network, logs, its own documentation); it does not do that", [
    "(write|compose|tell|sing|create|make|draw|generate|recite|give) [me|us] [a|an|another|some] (poem|poems|haiku|joke|jokes|story|stories|song|songs|limerick|essay|picture|drawing|sonnet|riddle|rap|novel) [about|on|for {text}] [{text}]",
    "(@what is|how is|tell me|@show) [the] (weather|forecast|news|stock price|stock prices|score|time in {text}) [{text}]",
    "(order|buy|book) {text}",
    "(make|brew|get) [me] [a|some] (coffee|tea|sandwich|pizza|breakfast|lunch|dinner)",
  ]),
];
