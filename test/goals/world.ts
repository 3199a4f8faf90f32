/**
 * The scripted system the goal corpus plans against: what each read-only
 * probe answers on a machine in a known state. Two states:
 *
 * - `default`: nginx installed (with nginx-common) and running as a
 *   supervised service with a watch; curl installed; a python worker
 *   service; users root, alice, bob and deploy; a few files and
 *   directories (below); two nginx processes and one htop; a weekly
 *   rotation policy for /var/log/*.log keeping 4 (and aiOS's own log's);
 *   firewall rules dropping tcp/8081 and tcp/25 from anywhere, and one
 *   accepting tcp/22 from 10.0.0.0/8.
 * - `fresh`: nothing installed beyond the base image, no services.
 *
 * Packages any repository has: see AVAILABLE. Paths not in FILES do not
 * exist. Answers have the shapes the real tools return (the parts the
 * planner reads).
 */
import { availableInfo, installedInfo, type ProbeAnswer, toolError, unknownInfo } from "../../src/orchestrator/planners/heuristic/testing";

export type StateName = "default" | "fresh";

const AVAILABLE = ["nginx", "htop", "git", "vim", "curl", "redis-server", "tmux", "jq", "lighttpd", "haproxy", "postgresql", "python3", "ripgrep", "memcached", "chrony", "tree", "rsync", "wget", "unzip", "ncdu", "strace", "sqlite3", "nodejs", "apache2", "dropbear-bin", "mariadb-server", "fail2ban", "logrotate", "zip", "netcat-openbsd", "dnsutils", "iotop", "lsof", "screen", "nano", "less", "bash-completion"];

const NGINX_DIRS = [
  { path: "/etc/nginx", created: true },
  { path: "/etc/nginx/sites-available", created: true },
  { path: "/etc/nginx/sites-enabled", created: true },
  { path: "/etc/nginx/conf.d", created: true },
];

/** Files and directories: path → type (and content for the files the planner reads). */
const FILES: Record<string, { type: "file" | "dir" | "symlink"; content?: string; mode?: string }> = {
  "/etc": { type: "dir" },
  "/etc/nginx": { type: "dir" },
  "/etc/nginx/nginx.conf": { type: "file", content: "user www-data;\nworker_processes auto;\nevents {\n    worker_connections 768;\n}\nhttp {\n    keepalive_timeout 65;\n    gzip on;\n}\n" },
  "/etc/nginx/sites-available": { type: "dir" },
  "/etc/nginx/sites-enabled": { type: "dir" },
  "/etc/nginx/conf.d": { type: "dir" },
  "/etc/ssh": { type: "dir" },
  "/etc/ssh/sshd_config": { type: "file", content: "Port 22\nPermitRootLogin prohibit-password\nPasswordAuthentication yes\n" },
  "/etc/app.ini": { type: "file", content: "[server]\nport = 8080\nhost = 0.0.0.0\n" },
  "/etc/hosts": { type: "file", content: "127.0.0.1 localhost\n" },
  "/etc/motd": { type: "file", content: "Welcome\n" },
  "/etc/passwd": { type: "file" },
  "/etc/resolv.conf": { type: "file" },
  "/etc/fstab": { type: "file" },
  "/var": { type: "dir" },
  "/var/log": { type: "dir" },
  "/var/log/syslog": { type: "file" },
  "/var/log/messages": { type: "file" },
  "/var/log/nginx": { type: "dir" },
  "/var/log/nginx/access.log": { type: "file" },
  "/var/log/nginx/error.log": { type: "file" },
  "/var/log/aios": { type: "dir" },
  "/var/log/aios/aios.log": { type: "file" },
  "/var/www": { type: "dir" },
  "/var/lib": { type: "dir" },
  "/srv": { type: "dir" },
  "/srv/www": { type: "dir" },
  "/srv/www/index.html": { type: "file" },
  "/srv/old": { type: "dir" },
  "/srv/old/data.bin": { type: "file" },
  "/srv/empty": { type: "dir" },
  "/srv/run.sh": { type: "file", mode: "0644" },
  "/srv/notes.txt": { type: "file" },
  "/srv/backup": { type: "dir" },
  "/tmp": { type: "dir" },
  "/tmp/old.txt": { type: "file" },
  "/tmp/build": { type: "dir" },
  "/tmp/build/a.o": { type: "file" },
  "/home": { type: "dir" },
  "/home/alice": { type: "dir" },
  "/opt": { type: "dir" },
  "/opt/app": { type: "dir" },
  "/opt/app/start.sh": { type: "file", mode: "0644" },
};

const SERVICES = [
  { name: "nginx", state: "running", enabled: true, after: [], argv: ["/usr/sbin/nginx", "-g", "daemon off;"] },
  { name: "worker", state: "running", enabled: true, after: [], argv: ["/usr/bin/python3", "worker.py"] },
  { name: "backup", state: "stopped", enabled: false, after: [], argv: ["/usr/local/bin/backup"] },
];

const PROCESSES = [
  { pid: 1, comm: "aios-init", cmdline: "/usr/sbin/aios-init" },
  { pid: 412, comm: "nginx", cmdline: "nginx: master process /usr/sbin/nginx -g daemon off;" },
  { pid: 413, comm: "nginx", cmdline: "nginx: worker process" },
  { pid: 600, comm: "python3", cmdline: "/usr/bin/python3 worker.py" },
  { pid: 4242, comm: "htop", cmdline: "htop" },
  { pid: 777, comm: "sleep", cmdline: "sleep 1000" },
];

const USERS = ["root", "alice", "bob", "deploy", "www-data"];

/** pkg.info's answer for a package neither installed nor in any repository. */
function notFound(name: unknown) {
  return unknownInfo(String(name));
}

export function world(state: StateName): Record<string, ProbeAnswer> {
  const fresh = state === "fresh";
  const services = fresh ? [] : SERVICES;
  return {
    "pkg.info": (a) => {
      const name = String(a.name);
      if (!fresh && name === "nginx") return installedInfo("nginx", { depends: "nginx-common (= 1.22.1-9), libc6 (>= 2.34)", files: [{ path: "/usr/sbin/nginx" }] });
      if (!fresh && name === "nginx-common") return installedInfo("nginx-common", { auto: true, files: [{ path: "/etc/nginx/nginx.conf", conffile: true }, { path: "/etc/nginx/mime.types", conffile: true }], directories: NGINX_DIRS });
      if (!fresh && name === "curl") return installedInfo("curl", { files: [{ path: "/usr/bin/curl" }] });
      if (name === "libc6" || name === "busybox") return { ...availableInfo(name), provided: { version: "2.36-9" } };
      if (AVAILABLE.includes(name)) return availableInfo(name);
      return notFound(name);
    },
    "pkg.search": (a) => ({ packages: AVAILABLE.filter((p) => p.includes(String(a.query))).map((name) => ({ name })) }),
    "service.list": () => ({ services: services.map(({ argv: _, ...s }) => s) }),
    "service.status": (a) => {
      const s = services.find((x) => x.name === a.name);
      if (!s) throw toolError("not_found", `no service ${a.name}`);
      return { name: s.name, state: s.state, definition: { argv: s.argv } };
    },
    "monitor.watchlist": () => ({ watches: fresh ? [] : [{ name: "nginx", service: "nginx" }] }),
    "fs.stat": (a) => {
      const f = FILES[String(a.path)];
      return f ? { path: a.path, exists: true, type: f.type, mode: f.mode ?? (f.type === "dir" ? "0755" : "0644") } : { path: a.path, exists: false };
    },
    "fs.list": (a) => {
      const dir = String(a.path);
      if (!FILES[dir]) throw toolError("ENOENT", `fs.list ${dir}: ENOENT`);
      const entries = Object.entries(FILES)
        .filter(([p]) => p.startsWith(`${dir}/`) && (a.recursive === true || !p.slice(dir.length + 1).includes("/")))
        .map(([path, f]) => ({ path, type: f.type }));
      const limit = typeof a.limit === "number" ? a.limit : 1000;
      return { path: dir, entries: entries.slice(0, limit), truncated: entries.length > limit };
    },
    "fs.read": (a) => {
      const f = FILES[String(a.path)];
      if (!f || f.type !== "file") throw toolError("ENOENT", `fs.read ${a.path}: ENOENT`);
      return { path: a.path, content: f.content ?? "", truncated: false };
    },
    "process.list": (a) => ({ processes: PROCESSES.filter((p) => a.filter === undefined || p.comm.includes(String(a.filter)) || p.cmdline.includes(String(a.filter))) }),
    "user.list": () => ({ users: USERS.map((name) => ({ name })) }),
    "firewall.list": () => ({
      rules: fresh
        ? []
        : [
            { action: "accept", protocol: "tcp", port: 22, from: "10.0.0.0/8", addedAt: "2025-01-01T00:00:00.000Z" },
            { action: "drop", protocol: "tcp", port: 25, from: null, addedAt: "2025-01-01T00:00:00.000Z" },
            { action: "drop", protocol: "tcp", port: 8081, from: null, addedAt: "2025-01-01T00:00:00.000Z" },
          ],
      live: { present: true, policy: "accept", rules: [] },
      inSync: true,
      protected: [{ port: 8080, protocol: "tcp", what: "the management API" }],
    }),
    "log.policies": () => ({ policies: [...(fresh ? [] : [{ pattern: "/var/log/*.log", maxBytes: null, maxAgeDays: 7, keep: 4, builtin: false }]), { pattern: "/var/log/aios/aios.log", maxBytes: 4 * 1024 * 1024, maxAgeDays: null, keep: 5, builtin: true }] }),
  };
}
