import { describe, expect, test } from "bun:test";
import { scanScripts, stateNames } from "./scripts";

// nginx-common 1.22.1-9+deb12u11's postinst, the part that matters.
const NGINX_POSTINST = `#!/bin/sh
set -e
. /usr/share/debconf/confmodule
case "$1" in
  configure)
    logdir="/var/log/nginx"
    if ! dpkg-statoverride --list "$logdir" >/dev/null; then
      chown root:adm $logdir
      chmod 0755 $logdir
    fi
    if [ -z "$2" ]; then
      access_log="$logdir/access.log"
      if [ ! -e "$access_log" ]; then
        touch "$access_log"
        chmod 640 "$access_log"
        chown www-data:adm "$access_log"
      fi
    fi
    if [ -d /run/systemd/system ]; then
      systemctl --system daemon-reload >/dev/null || true
    fi
    ;;
esac
`;

describe("scanScripts", () => {
  test("nginx-common: the users and groups its postinst chowns to, its log directory", () => {
    const n = scanScripts(new Map([["postinst", NGINX_POSTINST]]), stateNames("nginx-common", "nginx"));
    expect(n.accounts.map((a) => `${a.kind}:${a.name}`).sort()).toEqual(["group:adm", "user:www-data"]);
    expect(n.stateDirs).toEqual(["/var/log/nginx"]);
    // Paths in variables are not guessed at.
    expect(n.chowns).toEqual([]);
  });

  test("adduser --system --group with options, addgroup, useradd -r", () => {
    const n = scanScripts(
      new Map([
        ["preinst", "adduser --system --group --quiet --home /var/lib/redis --shell /usr/sbin/nologin redis\naddgroup --system ssl-cert\n"],
        ["postinst", "useradd -r -g ssl-cert -d /srv/x -s /bin/false xuser\nadduser redis ssl-cert\nadduser --system $NAME\n"],
      ]),
      ["redis"],
    );
    const byName = new Map(n.accounts.map((a) => [`${a.kind}:${a.name}`, a]));
    expect([...byName.keys()].sort()).toEqual(["group:redis", "group:ssl-cert", "user:redis", "user:xuser"]);
    expect(byName.get("user:redis")).toMatchObject({ group: "redis", home: "/var/lib/redis", shell: "/usr/sbin/nologin" });
    expect(byName.get("user:xuser")).toMatchObject({ group: "ssl-cert", home: "/srv/x", shell: "/bin/false" });
  });

  test("literal chown of a literal path is kept for applying; removal scripts are ignored", () => {
    const n = scanScripts(new Map([["postinst", "chown -R foo:bar /var/lib/foo /var/cache/foo\n"], ["postrm", "deluser quux\nchown zed /x\n"]]), ["foo"]);
    expect(n.chowns).toEqual([{ path: "/var/lib/foo", user: "foo", group: "bar" }, { path: "/var/cache/foo", user: "foo", group: "bar" }]);
    expect(n.stateDirs).toEqual(["/var/cache/foo", "/var/lib/foo"]);
    expect(n.accounts.map((a) => a.name).sort()).toEqual(["bar", "foo"]);
  });

  test("state directories of other packages are not made", () => {
    expect(scanScripts(new Map([["postinst", "rm -f /var/lib/dpkg/info/x.list\nmkdir -p /run/systemd/system\n"]]), ["x"]).stateDirs).toEqual([]);
  });
});
