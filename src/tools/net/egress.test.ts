import { afterAll, describe, expect, test } from "bun:test";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { deniedWhy, parseAllowance, supervisedListener } from "./egress";
import { netCheckPort } from "./check-port";
import { netHttpCheck } from "./http-check";
import { netHttpRequest } from "./http";

const t = makeEnv();
afterAll(() => t.cleanup());

// A stand-in for the management API, and a public-looking page that redirects to it.
const api = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("management API") });
const other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => (new URL(req.url).pathname === "/hop" ? Response.redirect(`http://127.0.0.1:${api.port}/api/v1/system`, 302) : new Response("page")) });
afterAll(() => {
  api.stop(true);
  other.stop(true);
});
const policy = (allow: string[], allowOutbound = true) => ({ allowOutbound, allow, managementPorts: () => [api.port!] });

describe("the egress policy (issue 11)", () => {
  test("by default loopback, link-local, metadata, multicast and the API are denied; the rest of the world is not", () => {
    const p = policy([]);
    expect(deniedWhy(p, "127.0.0.1", 80)).toBe("loopback");
    expect(deniedWhy(p, "127.9.9.9", 80)).toBe("loopback");
    expect(deniedWhy(p, "::1", 80)).toBe("loopback");
    expect(deniedWhy(p, "::ffff:127.0.0.1", 80)).toBe("loopback");
    expect(deniedWhy(p, "169.254.169.254", 80)).toStartWith("link-local");
    expect(deniedWhy(p, "fe80::1", 80)).toBe("link-local");
    expect(deniedWhy(p, "0.0.0.0", 80)).toBe("the unspecified address");
    expect(deniedWhy(p, "224.0.0.1", 80)).toBe("multicast");
    expect(deniedWhy(p, "127.0.0.1", api.port!)).toStartWith("the management API");
    expect(deniedWhy(p, "93.184.216.34", 443)).toBeNull();
    expect(deniedWhy(policy([], false), "93.184.216.34", 443)).toStartWith("outbound traffic is off");
  });

  test("egress_allow lets named addresses through; the API only when its port is named", () => {
    expect(deniedWhy(policy(["127.0.0.1"]), "127.0.0.1", 80)).toBeNull();
    expect(deniedWhy(policy(["127.0.0.1"]), "127.0.0.1", api.port!)).toStartWith("the management API");
    expect(deniedWhy(policy([`127.0.0.1:${api.port}`]), "127.0.0.1", api.port!)).toBeNull();
    expect(deniedWhy(policy(["127.0.0.1:80"]), "127.0.0.1", 81)).toBe("loopback");
    expect(deniedWhy(policy(["10.0.0.0/8"], false), "10.1.2.3", 443)).toBeNull();
    expect(deniedWhy(policy(["[::1]:8080"]), "::1", 8080)).toBeNull();
    for (const bad of ["", "nope", "1.2.3.4:0", "1.2.3.4/33", "[::1"]) expect(parseAllowance(bad)).toBeNull();
  });

  test("the tools refuse the API, loopback by name (resolved, not trusted), and a redirect into it", async () => {
    const env = { ...t.env, egress: policy(["127.0.0.1"]) };
    const refused = (p: Promise<unknown>) => p.then(() => "reached", (e: Error) => e.message);
    expect(await refused(call(netHttpCheck, { url: `http://127.0.0.1:${api.port}/api/v1/system` }, makeCtx(env)))).toContain("refused by the egress policy: 127.0.0.1, the management API");
    expect(await refused(call(netHttpRequest, { url: `http://localhost:${other.port}/` }, makeCtx({ ...t.env, egress: policy([]) })))).toContain(`localhost:${other.port}: refused by the egress policy: localhost is 127.0.0.1, loopback`);
    expect(await refused(call(netHttpRequest, { url: `http://127.0.0.1:${other.port}/hop` }, makeCtx(env)))).toContain("the management API");
    expect(await refused(call(netHttpCheck, { url: "http://169.254.169.254/latest/meta-data/" }, makeCtx(env)))).toContain("link-local");
    // What is allowed still works, redirects included, and check_port (a bare connect) may look at loopback.
    expect((await call(netHttpRequest, { url: `http://127.0.0.1:${other.port}/` }, makeCtx(env))).body).toBe("page");
    expect((await call(netCheckPort, { host: "127.0.0.1", port: api.port! }, makeCtx({ ...t.env, egress: policy([]) }))).open).toBe(true);
    expect(await refused(call(netCheckPort, { host: "169.254.169.254", port: 80 }, makeCtx(env)))).toContain("link-local");
  });

  test("a loopback port a supervised service listens on may be reached; other loopback ports and the API stay denied", async () => {
    const refused = (p: Promise<unknown>) => p.then(() => "reached", (e: Error) => e.message);
    // This test process stands in for the supervised service: it holds `other`'s listening socket.
    const supervised = { ...policy([]), servicePids: () => [process.pid] };
    expect(supervisedListener(supervised, other.port!)).toBe(true);
    expect(supervisedListener(policy([]), other.port!)).toBe(false);
    expect(supervisedListener({ ...policy([]), servicePids: () => [1] }, other.port!)).toBe(false);
    expect((await call(netHttpRequest, { url: `http://127.0.0.1:${other.port}/` }, makeCtx({ ...t.env, egress: supervised }))).body).toBe("page");
    expect(await refused(call(netHttpRequest, { url: `http://127.0.0.1:${other.port}/` }, makeCtx({ ...t.env, egress: policy([]) })))).toContain("loopback");
    // The API is served by the same process, yet stays denied.
    expect(await refused(call(netHttpCheck, { url: `http://127.0.0.1:${api.port}/` }, makeCtx({ ...t.env, egress: supervised })))).toContain("the management API");
  });
});
