/**
 * Each intent on its own: phrasings map to the right arguments, near misses
 * are not this intent (null) or are refused with the reason. Matching reads
 * only the words; plans and probes are in planner.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { clauseOf, type Intent, isRefusal } from "./intent";
import { checkEndpoint, configureProxy, controlService, editFile, freeDiskSpace, INTENTS, installPackage, manageUser, removePackage, scheduleJob, showUsage, writeFile } from "./intents";
import { planningContext } from "./testing";

const ALL_SCOPES = ["logs", "package-cache", "tmp"];

const ctx = planningContext("");

/** The first intent of the catalogue that answers, as the planner tries them. */
function firstMatch(text: string) {
  for (const i of INTENTS) {
    const r = i.match(clauseOf(text), ctx);
    if (r !== null) return { intent: i.name, r };
  }
  return null;
}

function cases(intent: Intent, good: Array<[string, unknown]>, near: Array<[string, string | null]>) {
  describe(intent.name, () => {
    for (const [text, args] of good) {
      test(`maps ${JSON.stringify(text)}`, () => {
        expect(firstMatch(text)?.intent).toBe(intent.name);
        expect(intent.match(clauseOf(text), ctx)).toEqual(args);
      });
    }
    for (const [text, why] of near) {
      test(`${why === null ? "does not take" : "refuses"} ${JSON.stringify(text)}`, () => {
        const r = intent.match(clauseOf(text), ctx);
        if (why === null) expect(r).toBeNull();
        else {
          expect(isRefusal(r)).toBe(true);
          expect((r as { refuse: string }).refuse).toContain(why);
        }
      });
    }
    test("its examples match it", () => {
      for (const e of intent.examples) expect({ e, intent: firstMatch(e)?.intent }).toEqual({ e, intent: intent.name });
    });
  });
}

cases(installPackage, [
  ["install nginx", { names: ["nginx"] }],
  ["install htop, curl and git", { names: ["htop", "curl", "git"] }],
  ["sudo apt-get install -y redis-server", { names: ["redis-server"] }],
  ["install the nginx package", { names: ["nginx"] }],
  ["install nginx=1.22.1-9+deb12u1", { names: ["nginx=1.22.1-9+deb12u1"] }],
  ["install nginx for the web site", { names: ["nginx"] }],
], [
  ["install", "say which package to install"],
  ["install Foo_Bar", "is not a Debian package name"],
  ["install /tmp/x.deb", null],
  ["reinstall the os", null],
]);

cases(removePackage, [
  ["remove nginx", { names: ["nginx"] }],
  ["uninstall nginx completely", { names: ["nginx"] }],
  ["purge redis-server", { names: ["redis-server"] }],
  ["apt-get remove -y htop", { names: ["htop"] }],
  ["get rid of nginx and its config files", { names: ["nginx"] }],
], [
  ["remove", "say which package to remove"],
  ["remove the nginx service", null],
  ["delete /etc/motd", null],
  ["remove the cron job backup", null],
  ["remove Some_Thing", "not a Debian package name"],
]);

cases(controlService, [
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
  ["start @nginx", "is not a service name"],
  ["start nginx on port 8080", null],
]);

cases(configureProxy, [
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
  ["set up a forward proxy", "only a reverse proxy"],
  ["set up a reverse proxy to port 80", "cannot listen on port 80 and proxy to the same port"],
  ["what is a proxy", null],
  ["set proxy to http://10.0.0.1:3128 in /etc/app.conf", null],
]);

cases(checkEndpoint, [
  ["check port 80", { urls: [], ports: [{ host: "127.0.0.1", port: 80 }] }],
  ["is port 22 open on 10.0.2.2?", { urls: [], ports: [{ host: "10.0.2.2", port: 22 }] }],
  ["check http://127.0.0.1:8080/health", { urls: ["http://127.0.0.1:8080/health"], ports: [] }],
  ["check that localhost:8080 and port 443 are up", { urls: [], ports: [{ host: "localhost", port: 8080 }, { host: "127.0.0.1", port: 443 }] }],
  ["check ports 80 and 443", { urls: [], ports: [{ host: "127.0.0.1", port: 80 }, { host: "127.0.0.1", port: 443 }] }],
], [
  ["check the weather", null],
  ["check port 22 on a.example.com or b.example.com", "name one host"],
  ["open port 80", null],
]);

cases(showUsage, [
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

cases(freeDiskSpace, [
  ["free disk space", { olderThanDays: 7, dryRun: false, scopes: ALL_SCOPES }],
  ["free up some disk space", { olderThanDays: 7, dryRun: false, scopes: ALL_SCOPES }],
  ["clean up files older than 3 days", { olderThanDays: 3, dryRun: false, scopes: ALL_SCOPES }],
  ["clean up the disk (dry run)", { olderThanDays: 7, dryRun: true, scopes: ALL_SCOPES }],
  ["how much space could I free?", { olderThanDays: 7, dryRun: true, scopes: ALL_SCOPES }],
  ["clean up old logs", { olderThanDays: 7, dryRun: false, scopes: ["logs"] }],
], [
  ["clean the kitchen", null],
  ["clean /var/cache/app", null],
  ["make coffee", null],
]);

cases(manageUser, [
  ["create a user alice", { action: "create", name: "alice", system: false, groups: [] }],
  ["add user bob with shell /bin/bash in groups sudo and adm", { action: "create", name: "bob", system: false, groups: ["sudo", "adm"], shell: "/bin/bash" }],
  ["create a system user svc", { action: "create", name: "svc", system: true, groups: [] }],
  ["create a new user named carol with home /srv/carol and uid 1500", { action: "create", name: "carol", system: false, groups: [], home: "/srv/carol", uid: 1500 }],
  ["add a user dave to the sudo group", { action: "create", name: "dave", system: false, groups: ["sudo"] }],
  ["delete user alice and her home directory", { action: "delete", name: "alice", removeHome: true }],
  ["remove the user bob but keep his home", { action: "delete", name: "bob", removeHome: false }],
], [
  ["create a user", "say the user's name"],
  ["create a user Alice!", "is not a valid user name"],
  ["create user eve /srv/x", "say what each path is"],
  ["create a file /srv/x", null],
]);

cases(writeFile, [
  ["write 'Welcome to aiOS' to /etc/motd", { path: "/etc/motd", content: "Welcome to aiOS\n", append: false }],
  ["put \"a\\nb\" into /srv/a.txt", { path: "/srv/a.txt", content: "a\nb\n", append: false }],
  ["append 'nameserver 10.0.2.3' to /etc/resolv.conf", { path: "/etc/resolv.conf", content: "nameserver 10.0.2.3\n", append: true }],
  ["create /srv/www/index.html containing '<h1>hi</h1>'", { path: "/srv/www/index.html", content: "<h1>hi</h1>\n", append: false }],
], [
  ["write to /etc/motd", "say what to write, in quotes"],
  ["write a poem", null],
  ["write 'a' and 'b' to /etc/motd", "give one quoted text and one file"],
]);

cases(editFile, [
  ["set worker_processes to 2 in /etc/nginx/nginx.conf", { key: "worker_processes", value: "2", path: "/etc/nginx/nginx.conf" }],
  ["set PermitRootLogin no in /etc/ssh/sshd_config", { key: "PermitRootLogin", value: "no", path: "/etc/ssh/sshd_config" }],
  ["in /etc/app.ini set port = 8080", { path: "/etc/app.ini", key: "port", value: "8080" }],
  ["change listen to '0.0.0.0:8080' in /etc/app/config.yaml", { key: "listen", value: "0.0.0.0:8080", path: "/etc/app/config.yaml" }],
], [
  ["set the mood in /etc/motd somehow", "say it as"],
  ["set up nginx", null],
]);

const schedule = INTENTS.find((i) => i.name === "schedule-job")!;
cases(schedule, [
  ["run 'free disk space' every day at 3am", { name: "free-disk-space", cron: "0 3 * * *", words: "every day at 03:00", goal: "free disk space" }],
  ["schedule `sync` every 5 minutes", { name: "sync", cron: "*/5 * * * *", words: "every 5 minutes", argv: ["sync"] }],
  ["check port 80 every minute", { name: "check-port-80", cron: "* * * * *", words: "every minute", goal: "check port 80" }],
  ["every monday at 9am run 'show disk usage' as job weekly-disk", { name: "weekly-disk", cron: "0 9 * * 1", words: "every monday at 09:00", goal: "show disk usage" }],
  ["run `tar czf /srv/backup.tgz /etc` daily at 2:30am", { name: "tar-czf-srv-backup-tgz-etc", cron: "30 2 * * *", words: "every day at 02:30", argv: ["tar", "czf", "/srv/backup.tgz", "/etc"] }],
  ["run `du -sh /var/log | sort` hourly named log-size", { name: "log-size", cron: "0 * * * *", words: "every hour", argv: ["/bin/sh", "-c", "du -sh /var/log | sort"] }],
], [
  ["run 'make coffee' every hour", "matches no intent in the catalogue"],
  ["run 'install Foo_Bar' daily", "is not a Debian package name"],
  ["run every day", "say what to run"],
  ["run `sync` with cron '61 * * * *'", "is not a cron expression"],
  ["run 'free disk space' at 3am", null],
]);

test("the catalogue has one entry per intent of the issue, each documented with examples", () => {
  expect(INTENTS.map((i) => i.name).sort()).toEqual(["check-endpoint", "configure-proxy", "control-service", "edit-file", "free-disk-space", "install-package", "manage-user", "remove-package", "schedule-job", "show-usage", "write-file"]);
  expect(scheduleJob(() => []).name).toBe("schedule-job");
});
