/**
 * The sys-level tools in the guest, on two boots of one QEMU (a guest reboot
 * boots again: ON_REBOOT=reboot) and a third with a kernel command line:
 *
 * - a firewall rule closes, then opens, a port as seen from the host through
 *   QEMU's forward (BusyBox httpd in the guest as a supervised service);
 * - hostname and time zone change at once (the kernel's name, BusyBox date
 *   with and without TZ, aios-init's own clock) and survive a reboot;
 * - the reboot itself goes through sys.power (POST /api/v1/tools/sys.power:
 *   the planner's "reboot" goal intent lands separately) and comes back up
 *   with the closed port still closed;
 * - the kernel command line's aios.hostname= wins over the stored name.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDataImage, Vm } from "../harness/vm";

const PROMPT = /aios> $/;
const SHELL = /aios-sh# $/;
const READY = /aios: ready in (\d+) ms/;
const WEB = 8081;
const RESTORED = /aios: firewall: 1 rules back in table inet aios after ready \(nf_tables \d+ ms, nft \d+ ms\)/;

describe("hostname, time zone, firewall and reboot in the guest", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-vm-system-"));
  const dataImg = freshDataImage(dir);
  let vm: Vm;

  const call = async (tool: string, args: unknown) => {
    const res = await vm.api(`/api/v1/tools/${tool}`, { method: "POST", body: JSON.stringify({ args }) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ok = async (tool: string, args: unknown) => {
    const r = await call(tool, args);
    expect({ tool, status: r.status, error: r.body.error }).toEqual({ tool, status: 200, error: undefined });
    return r.body.result;
  };
  /** GET / on the guest's web port through QEMU's forward, as any client on the host. */
  const fromHost = async (timeoutMs = 3000): Promise<string> => {
    try {
      const res = await fetch(`http://127.0.0.1:${vm.forwarded[WEB]}/`, { signal: AbortSignal.timeout(timeoutMs) });
      return `${res.status} ${(await res.text()).trim()}`;
    } catch (err) {
      return `no answer (${(err as Error).name})`;
    }
  };
  const reachable = async () => {
    for (let i = 0; i < 20; i++) {
      const r = await fromHost();
      if (r.startsWith("200")) return r;
      await Bun.sleep(250);
    }
    return fromHost();
  };
  const shell = async (line: string) => {
    await vm.run("shell", SHELL);
    const out = await vm.run(line, SHELL);
    await vm.run("exit", PROMPT);
    return out;
  };

  beforeAll(async () => {
    // autonomy full: the calls run at once (supervision and approvals are tested elsewhere).
    vm = Vm.boot({ dataImg, forward: [WEB], cmdlineExtra: "aios.autonomy=full", reboot: true });
    await vm.waitFor(READY, 180_000);
    await vm.waitFor(PROMPT);
  });
  afterAll(async () => {
    await vm?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a web server in the guest answers the host through QEMU's forward", async () => {
    // On the data disk: the guest's root is in RAM, and the page must be there after the reboot too.
    await ok("fs.write", { path: "/var/lib/aios/www/index.html", content: "hello from the guest\n", createParents: true });
    await ok("service.start", { name: "web", definition: { argv: ["/bin/httpd", "-f", "-p", String(WEB), "-h", "/var/lib/aios/www"] } });
    expect(await reachable()).toBe("200 hello from the guest");
  });

  test("firewall.close drops the port as seen from the host, list counts the drops, firewall.open lets it through, its undo closes it again", async () => {
    const closed = await ok("firewall.close", { port: WEB });
    expect(closed).toMatchObject({ port: WEB, protocol: "tcp", changed: true, inSync: true });
    expect(closed.live.rules.map((r: any) => [r.comment, r.verdict])).toEqual([["aios: loopback", "accept"], [`tcp/${WEB}`, "drop"]]);
    expect(await fromHost()).toStartWith("no answer");

    const listed = await ok("firewall.list", {});
    expect(listed.inSync).toBe(true);
    expect(listed.rules).toMatchObject([{ action: "drop", port: WEB, protocol: "tcp", from: null }]);
    expect(listed.live.rules.find((r: any) => r.comment === `tcp/${WEB}`).packets).toBeGreaterThan(0);

    const opened = await call("firewall.open", { port: WEB });
    expect(opened.status).toBe(200);
    expect(opened.body.result.removed).toMatchObject([{ action: "drop", port: WEB }]);
    expect(await reachable()).toBe("200 hello from the guest");

    // Undo of the open (the executor's rollback) puts the drop back; opening again lets it through.
    const undo = await vm.api(`/api/v1/calls/${opened.body.callId}/rollback`, { method: "POST", body: "{}" });
    expect(undo.status).toBe(200);
    expect(await fromHost()).toStartWith("no answer");
    expect((await ok("firewall.list", {})).rules).toMatchObject([{ action: "drop", port: WEB }]);
    await ok("firewall.open", { port: WEB });
    expect(await reachable()).toBe("200 hello from the guest");
  });

  test("closing the management API's port is refused without force, naming it", async () => {
    const r = await call("firewall.close", { port: 9090 });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("protected");
    expect(r.body.error.message).toContain("management API");
    expect((await vm.api("/health", { auth: false })).status).toBe(200);
  });

  test("hostname and time zone change at once: the kernel's name, BusyBox date with and without TZ, aios-init's clock", async () => {
    expect(await ok("sys.hostname", { name: "web-7" })).toMatchObject({ hostname: "web-7", previous: "aios", live: true, persisted: true });
    const tz = await ok("sys.timezone", { zone: "Europe/Berlin" });
    expect(tz).toMatchObject({ zone: "Europe/Berlin", live: true, localtime: "/etc/localtime -> /usr/share/zoneinfo/Europe/Berlin" });
    expect(tz.utcOffset).toMatch(/^\+0[12]:00$/);
    const bad = await call("sys.timezone", { zone: "Europe/Berln" });
    expect([bad.status, bad.body.error.field, bad.body.error.message]).toEqual([400, "args.zone", expect.stringContaining("did you mean Europe/Berlin")]);

    const out = await shell("hostname; date +%Z; env -u TZ date +%Z; readlink /etc/localtime");
    expect(out).toMatch(/\nweb-7\nCES?T\nCES?T\n\/usr\/share\/zoneinfo\/Europe\/Berlin\n/);
    const sys = (await (await vm.api("/api/v1/system")).json()) as any;
    expect(sys.hostname).toBe("web-7");
    expect(sys.timezone).toBe("Europe/Berlin");
    expect(sys.localTime).toMatch(/GMT\+0[12]00/);
  });

  test("a reboot through sys.power comes back up with hostname, time zone and the closed port restored", async () => {
    await ok("firewall.close", { port: WEB });
    expect(await fromHost()).toStartWith("no answer");
    const from = vm.output.length;
    const power = await ok("sys.power", { action: "reboot", delaySeconds: 1 });
    expect(power).toMatchObject({ action: "reboot", delaySeconds: 1 });
    await vm.waitFor(/aios: reboot now/, 60_000, from);
    await vm.waitFor(READY, 180_000, vm.output.indexOf("aios: reboot now", from));
    // The rules come back right after ready; its log line redraws the prompt, so the REPL is read after it.
    const restored = await vm.waitFor(RESTORED, 60_000, vm.output.lastIndexOf("aios: ready in"));
    await vm.waitFor(PROMPT, 30_000, vm.output.lastIndexOf(restored[0]));

    const sys = (await (await vm.api("/api/v1/system")).json()) as any;
    expect([sys.hostname, sys.timezone]).toEqual(["web-7", "Europe/Berlin"]);
    expect(sys.localTime).toMatch(/GMT\+0[12]00/);
    const boot = await vm.bootTable();
    expect(boot).toMatch(/hostname and time zone\s+done\s+\d+\s+hostname web-7 \(data disk\), time zone Europe\/Berlin \(data disk\)/);
    expect(boot).toMatch(/firewall\s+done\s+\d+\s+rules kept: restored right after ready, before services start/);
    console.log(`boot with kept settings: ${/hostname and time zone\s+done\s+\d+/.exec(boot)![0]} ms; ${/firewall\s+done\s+\d+/.exec(boot)![0]} ms; after ready: ${restored[0]}`);
    expect(await shell("hostname; date +%Z")).toMatch(/\nweb-7\nCES?T\n/);

    // Closed across the reboot while the web service came back (enabled): opening it shows it is there.
    expect(await fromHost()).toStartWith("no answer");
    expect((await ok("firewall.list", {})).inSync).toBe(true);
    await ok("firewall.open", { port: WEB });
    expect(await reachable()).toBe("200 hello from the guest");
  });

  test("the kernel command line's aios.hostname= wins over the stored name", async () => {
    vm.type("poweroff\r");
    expect(await vm.waitExit()).toBe(0);
    await vm.dispose();
    vm = Vm.boot({ dataImg, cmdlineExtra: "aios.hostname=cmdhost" });
    await vm.waitFor(READY, 180_000);
    const restored = await vm.waitFor(RESTORED, 60_000);
    await vm.waitFor(PROMPT, 30_000, vm.output.lastIndexOf(restored[0]));
    const sys = (await (await vm.api("/api/v1/system")).json()) as any;
    expect([sys.hostname, sys.timezone]).toEqual(["cmdhost", "Europe/Berlin"]);
    expect(await vm.bootTable()).toMatch(/hostname cmdhost \(kernel command line\), time zone Europe\/Berlin \(data disk\)/);
    vm.type("poweroff\r");
    expect(await vm.waitExit()).toBe(0);
  });
});
