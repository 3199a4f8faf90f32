/**
 * Each intent on its own: phrasings read as the right intent with the right
 * arguments; near misses are another intent, or not read at all, or
 * refused with the reason. Reading only (no probes): plans are in
 * planner.test.ts, and the corpus (test/goals) covers many more phrasings.
 */
import { describe, expect, test } from "bun:test";
import { readText } from "./grammar";
import { INTENTS } from "./intents";
import { FACTS } from "./testing";

function read(text: string): { intent: string; args: unknown } | { refused: string; reason: string } | null {
  const { result } = readText(text, INTENTS, FACTS);
  if (result.kind === "read") return { intent: result.reading.intent.name, args: result.reading.args };
  if (result.kind === "refused") return { refused: result.intent.name, reason: result.reason };
  return null;
}

function cases(name: string, good: Array<[string, unknown]>, near: Array<[string, string | null]> = []) {
  describe(name, () => {
    for (const [text, args] of good) {
      test(`reads ${JSON.stringify(text)}`, () => expect(read(text)).toEqual({ intent: name, args }));
    }
    for (const [text, why] of near) {
      test(`${why === null ? "does not read" : "refuses"} ${JSON.stringify(text)} as ${name}`, () => {
        const r = read(text);
        if (why === null) expect(r && "intent" in r ? r.intent : null).not.toBe(name);
        else {
          expect(r).toMatchObject({ refused: name });
          expect((r as { reason: string }).reason).toContain(why);
        }
      });
    }
  });
}

test("every intent's examples read as that intent", () => {
  for (const i of INTENTS) {
    for (const e of i.examples) {
      const r = read(e);
      expect({ e, intent: r && ("intent" in r ? r.intent : r.refused) }).toEqual({ e, intent: i.name });
    }
  }
});

test("intent names are unique", () => {
  expect(new Set(INTENTS.map((i) => i.name)).size).toBe(INTENTS.length);
});

cases("install-package", [
  ["install nginx", { names: ["nginx"] }],
  ["install htop, curl and git", { names: ["htop", "curl", "git"] }],
  ["sudo apt-get install -y redis-server", { names: ["redis-server"] }],
  ["install the nginx package", { names: ["nginx"] }],
  ["install nginx=1.22.1-9+deb12u1", { names: ["nginx=1.22.1-9+deb12u1"] }],
  ["install nginx but don't start it", { names: ["nginx"] }],
  ["please get git and vim installed", { names: ["git", "vim"] }],
], [
  ["install", null],
  ["install Foo_Bar", null],
  ["install /tmp/x.deb", null],
  ["install nginx for the web site", null],
  ["reinstall the os", null],
]);

cases("remove-package", [
  ["remove nginx", { names: ["nginx"], purge: true }],
  ["uninstall nginx completely", { names: ["nginx"], purge: true }],
  ["purge redis-server", { names: ["redis-server"], purge: true }],
  ["apt-get remove -y htop", { names: ["htop"], purge: true }],
  ["get rid of nginx and its config files", { names: ["nginx"], purge: true }],
  ["remove nginx but keep the config", { names: ["nginx"], purge: false }],
], [
  ["remove the nginx service", null],
  ["delete /etc/motd", null],
  ["remove the cron job backup", null],
  ["remove nginx config", null],
  ["remove nginx but only the binary", null],
  ["remove nginx completely but keep its config", "both to remove and to keep the configuration"],
]);

cases("delete-path", [
  ["remove nginx config", { path: "/etc/nginx", recursive: true, config: "nginx" }],
  ["delete the nginx configuration", { path: "/etc/nginx", recursive: true, config: "nginx" }],
  ["rm -rf /srv/old", { path: "/srv/old", recursive: true }],
  ["delete /tmp/a.txt", { path: "/tmp/a.txt", recursive: false }],
], [["delete the memcached config", "does not know where memcached's configuration is"]]);

cases("control-service", [
  ["start nginx", { action: "start", names: ["nginx"] }],
  ["enable nginx at boot", { action: "start", names: ["nginx"] }],
  ["restart the nginx service", { action: "restart", names: ["nginx"] }],
  ["reload nginx", { action: "restart", names: ["nginx"] }],
  ["stop nginx and redis", { action: "stop", names: ["nginx", "redis"] }],
  ["make sure nginx is running", { action: "start", names: ["nginx"] }],
  ["is nginx running?", { action: "status", names: ["nginx"] }],
  ["show the status of nginx", { action: "status", names: ["nginx"] }],
], [
  ["start", null],
  ["start nginx on port 8080", null],
  ["disable nginx", "no switch for boot alone"],
  ["restart the server", null],
]);

cases("configure-proxy", [
  ["configure nginx as a reverse proxy for the management API", { server: "nginx", upstream: "http://127.0.0.1:8080", api: true, listen: 80 }],
  ["set up a reverse proxy to port 3000", { server: "nginx", upstream: "http://127.0.0.1:3000", api: false, listen: 80 }],
  ["make nginx a reverse proxy for http://127.0.0.1:5000", { server: "nginx", upstream: "http://127.0.0.1:5000", api: false, listen: 80 }],
  ["make nginx a reverse proxy for http://10.0.2.2:5000/app", { server: "nginx", upstream: "http://10.0.2.2:5000/app/", api: false, listen: 80 }],
  ["configure nginx as a reverse proxy to localhost:8000 listening on port 8080", { server: "nginx", upstream: "http://localhost:8000", api: false, listen: 8080 }],
  ["install nginx as a reverse proxy for aios", { server: "nginx", upstream: "http://127.0.0.1:8080", api: true, listen: 80 }],
  ["set nginx up as a reverse proxy for the API", { server: "nginx", upstream: "http://127.0.0.1:8080", api: true, listen: 80 }],
], [
  ["configure nginx as a reverse proxy", "say what to proxy to"],
  ["configure haproxy as a reverse proxy to port 3000", "only nginx"],
  ["set up a forward proxy to port 3000", "only a reverse proxy"],
  ["set up a reverse proxy to port 80", "cannot listen on port 80 and proxy to the same port"],
  ["what is a proxy", null],
]);

cases("check-endpoint", [
  ["check port 80", { urls: [], ports: [{ host: "127.0.0.1", port: 80 }] }],
  ["is port 22 open on 10.0.2.2?", { urls: [], ports: [{ host: "10.0.2.2", port: 22 }] }],
  ["check http://127.0.0.1:8080/health", { urls: ["http://127.0.0.1:8080/health"], ports: [] }],
  ["check that localhost:8080 and port 443 are up", { urls: [], ports: [{ host: "localhost", port: 8080 }, { host: "127.0.0.1", port: 443 }] }],
  ["check ports 80 and 443", { urls: [], ports: [{ host: "127.0.0.1", port: 80 }, { host: "127.0.0.1", port: 443 }] }],
], [
  ["check the weather", null],
  ["check port 22 on a.example.com or b.example.com", null],
  ["open port 80", null],
]);

cases("firewall-port", [
  ["open port 80", { action: "open", ports: [80] }],
  ["allow ssh through the firewall", { action: "open", ports: [22] }],
  ["block port 23", { action: "close", ports: [23] }],
  ["open ports 80 and 443", { action: "open", ports: [80, 443] }],
  ["allow port 5432/tcp from 10.0.0.0/8", { action: "open", ports: [5432], protocol: "tcp", from: "10.0.0.0/8" }],
], [["open port 53/tcp over udp", "both tcp and udp"]]);

cases("show-usage", [
  ["show disk usage", { kinds: ["disk"] }],
  ["how much memory is free?", { kinds: ["memory"] }],
  ["what processes are running?", { kinds: ["processes"] }],
  ["show disk, memory and process usage", { kinds: ["disk", "memory", "processes"] }],
  ["show cpu load", { kinds: ["cpu"] }],
  ["show system usage", { kinds: ["disk", "memory", "processes", "cpu"] }],
], [
  ["free disk space", null],
  ["show me a joke", null],
]);

cases("top-processes", [
  ["what is using the most memory", { by: "memory" }],
  ["what's hogging the CPU", { by: "cpu" }],
  ["top 3 processes by memory", { by: "memory", limit: 3 }],
]);

cases("free-disk-space", [
  ["free disk space", { scopes: [{ kind: "logs", olderThanDays: 7 }, { kind: "package-cache", olderThanDays: 7 }, { kind: "tmp", olderThanDays: 7 }], general: true }],
  ["clean up old logs", { scopes: [{ kind: "logs", olderThanDays: 7 }], general: false }],
  ["clean up files older than 3 days", { scopes: [{ kind: "logs", olderThanDays: 3 }, { kind: "package-cache", olderThanDays: 3 }, { kind: "tmp", olderThanDays: 3 }], general: true }],
  ["clean up the disk (dry run)", { scopes: [{ kind: "logs", olderThanDays: 7 }, { kind: "package-cache", olderThanDays: 7 }, { kind: "tmp", olderThanDays: 7 }], general: true, dryRun: true }],
  ["empty the package cache", { scopes: [{ kind: "package-cache", olderThanDays: 7 }], general: false }],
  ["free disk space but keep the logs", { scopes: [{ kind: "package-cache", olderThanDays: 7 }, { kind: "tmp", olderThanDays: 7 }], general: true }],
], [
  ["clean the kitchen", null],
  ["clean /var/cache/app", null],
  ["delete the logs", "only rotated logs can be deleted"],
]);

cases("manage-user", [
  ["create a user alice", { action: "create", name: "alice", system: false, groups: [] }],
  ["add user bob with shell /bin/bash in groups sudo and adm", { action: "create", name: "bob", system: false, groups: ["sudo", "adm"], shell: "/bin/bash", add: true }],
  ["create a system user svc", { action: "create", name: "svc", system: true, groups: [] }],
  ["create a new user named carol with home /srv/carol and uid 1500", { action: "create", name: "carol", system: false, groups: [], home: "/srv/carol", uid: 1500 }],
  ["add a user dave to the sudo group", { action: "create", name: "dave", system: false, groups: ["sudo"], add: true }],
  ["add a user deploy with sudo access", { action: "create", name: "deploy", system: false, groups: ["sudo"], add: true }],
  ["delete user alice and her home directory", { action: "delete", name: "alice", removeHome: true }],
  ["remove the user bob but keep his home", { action: "delete", name: "bob", removeHome: false }],
], [
  ["create a user", null],
  ["create a user Alice!", null],
  ["create a file /srv/x", null],
  ["add a user deploy with root access", null],
  ["delete user bob with sudo access", "describes a user to create"],
]);

cases("user-groups", [
  ["add deploy to sudo", { action: "add", user: "deploy", groups: ["sudo"] }],
  ["put alice into the adm and sudo groups", { action: "add", user: "alice", groups: ["adm", "sudo"] }],
  ["grant deploy sudo", { action: "add", user: "deploy", groups: ["sudo"] }],
  ["remove bob from the sudoers", { action: "remove", user: "bob", groups: ["sudo"] }],
]);

cases("write-file", [
  ["write 'Welcome to aiOS' to /etc/motd", { path: "/etc/motd", content: "Welcome to aiOS\n", append: false }],
  ["put \"a\\nb\" into /srv/a.txt", { path: "/srv/a.txt", content: "a\nb\n", append: false }],
  ["append 'nameserver 10.0.2.3' to /etc/resolv.conf", { path: "/etc/resolv.conf", content: "nameserver 10.0.2.3\n", append: true }],
  ["create /srv/www/index.html containing '<h1>hi</h1>'", { path: "/srv/www/index.html", content: "<h1>hi</h1>\n", append: false }],
], [
  ["write to /etc/motd", "say what to write, in quotes"],
  ["write a poem", null],
  ["write 'a' and 'b' to /etc/motd", null],
]);

cases("edit-file", [
  ["set worker_processes to 2 in /etc/nginx/nginx.conf", { key: "worker_processes", value: "2", path: "/etc/nginx/nginx.conf" }],
  ["set PermitRootLogin no in /etc/ssh/sshd_config", { key: "PermitRootLogin", value: "no", path: "/etc/ssh/sshd_config" }],
  ["in /etc/app.ini set port = 8080", { path: "/etc/app.ini", key: "port", value: "8080" }],
  ["change listen to '0.0.0.0:8080' in /etc/app/config.yaml", { key: "listen", value: "0.0.0.0:8080", path: "/etc/app/config.yaml" }],
  ["set worker_processes to 4 in the nginx config", { key: "worker_processes", value: "4", path: "/etc/nginx/nginx.conf" }],
], [
  ["set the mood in /etc/motd somehow", null],
  ["set up nginx", null],
]);

cases("schedule-job", [
  ["run 'free disk space' every day at 3am", { name: "free-disk-space", cron: "0 3 * * *", words: "every day at 03:00", goal: "free disk space" }],
  ["schedule `sync` every 5 minutes", { name: "sync", cron: "*/5 * * * *", words: "every 5 minutes", argv: ["sync"] }],
  ["check port 80 every minute", { name: "check-port-80", cron: "* * * * *", words: "every minute", goal: "check port 80" }],
  ["every monday at 9am run 'show disk usage' as job weekly-disk", { name: "weekly-disk", cron: "0 9 * * 1", words: "every monday at 09:00", goal: "show disk usage" }],
  ["run `tar czf /srv/backup.tgz /etc` daily at 2:30am", { name: "tar-czf-srv-backup-tgz-etc", cron: "30 2 * * *", words: "every day at 02:30", argv: ["tar", "czf", "/srv/backup.tgz", "/etc"] }],
  ["run `du -sh /var/log | sort` hourly named log-size", { name: "log-size", cron: "0 * * * *", words: "every hour", argv: ["/bin/sh", "-c", "du -sh /var/log | sort"] }],
], [
  ["run 'make coffee' every hour", "does not read"],
  ["run `sync` with cron '61 * * * *'", "is not a cron expression"],
  ["run 'free disk space' at 3am", null],
]);

cases("log-policy", [
  ["rotate logs daily keeping 7", { pattern: "/var/log/*.log", keep: 7, maxAgeDays: 1 }],
  ["rotate /var/log/*.log when they reach 10M, keep 5", { pattern: "/var/log/*.log", keep: 5, maxBytes: 10 * 1024 * 1024 }],
], [["rotate logs weekly", "say how many rotated copies to keep"]]);

cases("undo", [
  ["undo the last change", {}],
  ["roll back goal 12", { goal: 12 }],
  ["revert call c42", { call: "c42" }],
]);

cases("power", [
  ["reboot", { action: "reboot" }],
  ["shut the system down in 5 minutes", { action: "poweroff", delaySeconds: 300 }],
], [["reboot in 2 hours", "at most an hour"]]);

cases("timezone", [["set the timezone to Europe/Berlin", { zone: "Europe/Berlin" }], ["set the time zone to europe/berlin", { zone: "Europe/Berlin" }]], [["set the timezone to berlin", "not a time zone name"]]);

cases("knowledge", [
  ["how do I import a model?", { query: "import a model" }],
  ["what does supervised mean?", { query: "supervised" }],
], [["what is using port 80", null]]);

cases("system-health", [
  ["how is the system doing?", {}],
  ["check the health of the machine", {}],
  ["give me a status report", {}],
  ["run a health check", {}],
  ["is everything ok with the server", {}],
  ["system status", {}],
], [
  ["what is the status of nginx", null],
  ["how is nginx doing", null],
  ["check the health of nginx", null],
]);

cases("show-hostname", [["what is the hostname", {}], ["what's the name of this server", {}], ["show me the host name", {}], ["hostname", {}]], [["set the hostname to web1", null]]);

cases("show-time", [["what time is it", {}], ["what time zone is this machine in", {}], ["which timezone is configured", {}], ["what's today's date", {}], ["date", {}]], [
  ["what time is it in Tokyo", null],
  ["set the timezone to UTC", null],
]);

cases("user-info", [
  ["what groups is alice in", { name: "alice" }],
  ["which groups does bob belong to", { name: "bob" }],
  ["is bob a member of the sudo group", { name: "bob" }],
  ["does alice have sudo rights", { name: "alice" }],
  ["show alice's groups", { name: "alice" }],
  ["id bob", { name: "bob" }],
], [["add bob to the sudo group", null], ["list users", null]]);

cases("make-symlink", [
  ["create a symlink from /srv/current to /srv/www", { path: "/srv/current", target: "/srv/www" }],
  ["make a symbolic link /srv/site pointing to /var/www", { path: "/srv/site", target: "/var/www" }],
  ["create a link to /var/www at /srv/web", { path: "/srv/web", target: "/var/www" }],
  ["ln -s /var/www /srv/web", { path: "/srv/web", target: "/var/www" }],
], [
  // Which end is the link is not said: not read.
  ["link /srv/live to /srv/www", null],
  ["ln -sf /var/www /srv/web", null],
  ["create a symlink from /srv/a to /srv/a", "cannot point to itself"],
]);

cases("change-mode", [
  ["make /srv/www readable by everyone", { path: "/srv/www", mode: "a+rX" }],
  ["make /srv/notes.txt world-readable", { path: "/srv/notes.txt", mode: "o+rX" }],
  ["remove write permission for others on /srv/notes.txt", { path: "/srv/notes.txt", mode: "o-w" }],
  ["make /srv/key.pem readable only by its owner", { path: "/srv/key.pem", mode: "go-r,u+rX" }],
  ["make /srv/old private", { path: "/srv/old", mode: "go-rwx" }],
  ["give execute permission to everyone on /srv/run.sh", { path: "/srv/run.sh", mode: "a+x" }],
], [
  ["make /srv/www writable by everyone", "writable by every user"],
  ["give write permission to /srv/notes.txt", "say for whom"],
]);

cases("restart-policy", [
  ["make nginx always restart when it crashes", { name: "nginx", restart: "on-failure" }],
  ["if the worker crashes, restart it", { name: "worker", restart: "on-failure" }],
  ["enable automatic restarts for nginx", { name: "nginx", restart: "on-failure" }],
  ["turn off auto-restart for the worker", { name: "worker", restart: "never" }],
  ["always restart nginx", { name: "nginx", restart: "always" }],
]);

cases("configure-proxy", [
  ["set up a reverse proxy on port 80 for the api", { server: "nginx", upstream: "http://127.0.0.1:8080", api: true, listen: 80 }],
  ["reverse proxy port 8081 to port 3000", { server: "nginx", upstream: "http://127.0.0.1:3000", api: false, listen: 8081 }],
], [["set up a reverse proxy on port 8081", "say what to proxy to"]]);

cases("schedule-job", [
  ["schedule nginx restart every sunday at 4am", { name: "restart-nginx", cron: "0 4 * * 0", words: "every sunday at 04:00", goal: "restart nginx" }],
  ["schedule a stop of the backup service every friday at 11pm", { name: "stop-backup", cron: "0 23 * * 5", words: "every friday at 23:00", goal: "stop backup" }],
]);

cases("resolve-name", [["can you check if example.com resolves", { name: "example.com" }], ["does github.com have a dns record", { name: "github.com" }]]);
cases("ping-host", [["can this machine reach 10.0.2.2", { host: "10.0.2.2" }], ["is example.com reachable from here", { host: "example.com" }]], [["allow ssh from here", null]]);
cases("firewall-port", [["allow udp on port 53", { action: "open", ports: [53], protocol: "udp" }], ["deny udp traffic on port 69", { action: "close", ports: [69], protocol: "udp" }]], [["allow tcp on port 53 over udp", "both tcp and udp"]]);

// The third generalisation round's classes.
cases("list-users", [
  ["list every account on the system", {}],
  ["enumerate the users", {}],
  ["how many users are there", {}],
  ["show the members of the sudo group", { group: "sudo" }],
  ["who is in the adm group", { group: "adm" }],
  ["which users belong to wheel", { group: "wheel" }],
  ["who's in sudo", { group: "sudo" }],
  ["what users does the adm group have", { group: "adm" }],
  ["list the sudoers", { group: "sudo" }],
  ["is anyone in the sudo group", { group: "sudo" }],
], [
  ["who is in trouble", null],
  ["is bob in the sudo group", null],
  ["add bob to the adm group", null],
  ["who is in the adm group and the sudo group", null],
]);

cases("network-interfaces", [
  ["what address does this machine have", {}],
  ["what IPs does the server have", {}],
  ["what's this host's address", {}],
  ["which addresses is this box using", {}],
  ["what is the machine's ip address", {}],
], [["what ip does example.com have", null]]);

cases("listening-ports", [
  ["which program is listening on 9090", { port: 9090 }],
  ["what is using port 80", { port: 80 }],
  ["who holds port 443", { port: 443 }],
  ["is anything bound to port 5432", { port: 5432 }],
  ["is port 8080 in use", { port: 8080 }],
  ["what is listening on udp port 53", { protocol: "udp", port: 53 }],
], [
  ["kill whatever is listening on port 8080", null],
  ["is port 22 open", null],
  ["what is listening on tcp port 53 and udp port 53", null],
]);

cases("firewall-remove-rule", [
  ["remove the rule that blocks port 8081", { ports: [8081], blocking: true, all: false }],
  ["delete the firewall rule for port 25", { ports: [25], blocking: false, all: false }],
  ["lift the block on port 8081", { ports: [8081], blocking: true, all: false }],
  ["remove port 25 from the firewall", { ports: [25], blocking: false, all: false }],
  ["delete the rules for port 53/udp", { ports: [53], protocol: "udp", blocking: false, all: true }],
], [["remove the firewall", null], ["delete the rule", null], ["drop port 25", null]]);

cases("firewall-port", [["stop blocking port 8081", { action: "open", ports: [8081] }], ["unblock 8081", { action: "open", ports: [8081] }]]);

cases("log-policies", [["show me the log policies", {}], ["what are the rotation settings", {}], ["what log retention do we have", {}], ["how long are logs kept", {}]], [["show the logs", null]]);

cases("change-mode", [
  ["give /srv/app mode 755", { path: "/srv/app", mode: "0755" }],
  ["set the permissions of /srv/run.sh to 644", { path: "/srv/run.sh", mode: "0644" }],
  ["apply permissions 640 to /srv/notes.txt", { path: "/srv/notes.txt", mode: "0640" }],
  ["set /srv/www to mode 750", { path: "/srv/www", mode: "0750" }],
], [["give /srv/www permissions 777", "writable by every user"]]);

cases("kill-process", [
  ["stop the sleep process", { name: "sleep" }],
  ["terminate the python3 process", { name: "python3" }],
  ["shut down the htop program", { name: "htop" }],
  ["quit htop", { name: "htop" }],
], [["stop sleep", null], ["stop nginx", null]]);

cases("audit-query", [
  ["what happened in the last 10 minutes", { limit: 50, sinceSeconds: 600 }],
  ["what changed since yesterday", { limit: 50, sinceDays: 1 }],
  ["what changed yesterday", { limit: 50, sinceDays: 1, untilToday: true }],
  ["what changed in the past 2 days", { limit: 50, sinceSeconds: 172_800 }],
  ["who installed nginx", { limit: 50, tool: "pkg.install", text: "nginx" }],
  ["which calls touched /etc/hosts", { limit: 50, text: "/etc/hosts" }],
  ["who opened port 8080", { limit: 50, tool: "firewall.open", text: "8080" }],
  ["who restarted the worker", { limit: 50, tool: "service.restart", text: "worker" }],
], [
  ["what changed last week", "a calendar period"],
  ["what changed today since yesterday", "two time windows"],
  ["when was /etc/passwd last modified", null],
]);

cases("log-policy", [
  ["keep logs for 14 days", { pattern: "/var/log/*.log", keep: 14, maxAgeDays: 1, retainDays: 14 }],
  ["keep two weeks of logs", { pattern: "/var/log/*.log", keep: 14, maxAgeDays: 1, retainDays: 14 }],
  ["retain the aiOS log for 30 days", { pattern: "/var/log/aios/aios.log", keep: 30, maxAgeDays: 1, retainDays: 30 }],
  ["rotate logs weekly and keep them for 4 weeks", { pattern: "/var/log/*.log", keep: 4, maxAgeDays: 7, retainDays: 28 }],
  ["set the log retention to 30 days", { pattern: "/var/log/*.log", keep: 30, maxAgeDays: 1, retainDays: 30 }],
], [
  ["keep logs for a year", "at most 100 rotated copies"],
  ["keep logs for 10 days keeping 5", "both how many copies"],
  ["rotate logs weekly and keep them for 10 days", "not a whole number"],
  ["keep logs forever", null],
]);

cases("knowledge", [["help", { query: "what aiOS can do" }]], [["explain why", "names nothing to look up"], ["how do I fix it", "names nothing to look up"]]);

describe("typos", () => {
  test("a word one edit from exactly one known word is read as it, and said", () => {
    const { result } = readText("instal nginx", INTENTS, FACTS);
    expect(result).toMatchObject({ kind: "read", reading: { intent: { name: "install-package" }, args: { names: ["nginx"] }, fixes: [{ from: "instal", to: "install" }] } });
  });
  test("a four-letter word with two letters swapped, said in why", () => {
    expect(readText("shwo disk usage", INTENTS, FACTS).result).toMatchObject({ kind: "read", reading: { intent: { name: "show-usage" }, fixes: [{ from: "shwo", to: "show" }] } });
    // "tsop" is "stop" swapped: never a name.
    expect(read("lock tsop")).toBeNull();
  });
  test("never when two known words tie, and never inside a name", () => {
    // "rstart" is one edit from both "start" and "restart".
    expect(readText("rstart nginx", INTENTS, FACTS).result.kind).not.toBe("read");
    // "alice" is one edit from "alive", a known word; as a name it stays alice.
    expect(read("lock alice")).toEqual({ intent: "lock-user", args: { action: "lock", name: "alice" } });
  });
});

describe("negations and qualifiers are honoured or refused, never dropped", () => {
  for (const text of ["don't restart nginx", "stop nginx but not redis", "restart nginx unless it is busy", "install nginx if it is missing", "remove nginx without its config"]) {
    test(JSON.stringify(text), () => {
      const r = read(text);
      expect(r === null || "refused" in r).toBe(true);
    });
  }
  test("honoured ones", () => {
    expect(read("don't restart nginx automatically")).toEqual({ intent: "restart-policy", args: { name: "nginx", restart: "never" } });
    expect(read("remove nginx but keep its config")).toEqual({ intent: "remove-package", args: { names: ["nginx"], purge: false } });
  });
});

test("CATALOGUE.md names every intent", async () => {
  const doc = await Bun.file(new URL("./CATALOGUE.md", import.meta.url)).text();
  expect(INTENTS.map((i) => i.name).filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
});
