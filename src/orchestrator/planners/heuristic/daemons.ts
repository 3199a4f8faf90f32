/**
 * Daemons aiOS knows how to supervise: the package that ships each, and the
 * command that keeps it in the foreground (the service manager supervises
 * the process it starts; a daemon that forks away would look like an exit).
 * Debian's units and init scripts would say this, but packages are unpacked
 * without running maintainer scripts or systemd, so the planner keeps its
 * own small table. A service not in it is refused rather than guessed.
 */

export interface Daemon {
  /** The service name aiOS gives it. */
  service: string;
  /** The Debian package that ships the program. */
  package: string;
  argv: readonly string[];
  /** Checks the configuration without starting anything. */
  configTest?: readonly string[];
  /** Where its configuration lives (the proxy config goes under it): "the nginx config" as files. */
  configDir?: string;
  /** Its main configuration file: "show the nginx config". */
  configFile?: string;
  /** Where its own log files are (Debian's default): "keep nginx logs for 7 days" is a policy for `${logDir}/*.log`. */
  logDir?: string;
}

export const DAEMONS: readonly Daemon[] = [
  { service: "nginx", package: "nginx", argv: ["/usr/sbin/nginx", "-g", "daemon off;"], configTest: ["/usr/sbin/nginx", "-t"], configDir: "/etc/nginx", configFile: "/etc/nginx/nginx.conf", logDir: "/var/log/nginx" },
  { service: "lighttpd", package: "lighttpd", argv: ["/usr/sbin/lighttpd", "-D", "-f", "/etc/lighttpd/lighttpd.conf"], configTest: ["/usr/sbin/lighttpd", "-tt", "-f", "/etc/lighttpd/lighttpd.conf"], configDir: "/etc/lighttpd", configFile: "/etc/lighttpd/lighttpd.conf", logDir: "/var/log/lighttpd" },
  { service: "haproxy", package: "haproxy", argv: ["/usr/sbin/haproxy", "-db", "-f", "/etc/haproxy/haproxy.cfg"], configTest: ["/usr/sbin/haproxy", "-c", "-f", "/etc/haproxy/haproxy.cfg"], configDir: "/etc/haproxy", configFile: "/etc/haproxy/haproxy.cfg" },
  { service: "redis", package: "redis-server", argv: ["/usr/bin/redis-server", "/etc/redis/redis.conf", "--daemonize", "no", "--supervised", "no"], configDir: "/etc/redis", configFile: "/etc/redis/redis.conf", logDir: "/var/log/redis" },
  { service: "memcached", package: "memcached", argv: ["/usr/bin/memcached", "-u", "memcache"] },
  { service: "dropbear", package: "dropbear-bin", argv: ["/usr/sbin/dropbear", "-F", "-E", "-R"], configDir: "/etc/dropbear" },
  { service: "chronyd", package: "chrony", argv: ["/usr/sbin/chronyd", "-d"], configDir: "/etc/chrony", configFile: "/etc/chrony/chrony.conf", logDir: "/var/log/chrony" },
];

/** The daemon a person means by `name`: its service name or its package's. */
export function daemonFor(name: string): Daemon | undefined {
  return DAEMONS.find((d) => d.service === name || d.package === name);
}
