/**
 * Core services: the admin token, the HTTP management API and the console REPL.
 * Each started service is pushed on ctx.services so shutdown stops them in
 * reverse order.
 */
import { createApi, startServer } from "../../api";
import { builtins, Repl } from "../../console";
import { consoleShell } from "../../init";
import { systemInfo } from "../../sys";
import type { BootContext } from "../context";
import { definePhase, defineStep } from "../step";
import { resolveToken } from "../token";

/** Dev mode binds loopback on the port `make run` forwards, so the same curl works for both. */
export const DEV_PORT = 8080;

function apiAddress(ctx: BootContext): { hostname: string; port: number } {
  const n = ctx.config.network;
  if (ctx.mode === "dev") return { hostname: "127.0.0.1", port: ctx.port ?? DEV_PORT };
  return { hostname: n.management_address, port: ctx.port ?? n.management_port };
}

function info(ctx: BootContext) {
  return systemInfo(ctx.report);
}

export const services = definePhase({
  name: "services",
  required: true,
  steps: [
    defineStep({
      name: "token",
      describe: (ctx) => `cat ${ctx.paths.secrets}/api-token || head -c 24 /dev/urandom | base64 > ${ctx.paths.secrets}/api-token`,
      run: (ctx) => {
        const { token, source } = resolveToken(ctx.paths.secrets, ctx.token);
        ctx.adminToken = token;
        return `from ${source}`;
      },
    }),
    defineStep({
      name: "api",
      describe: (ctx) => {
        const a = apiAddress(ctx);
        return `aios-api --listen ${a.hostname}:${a.port}`;
      },
      run: (ctx) => {
        const app = createApi({
          token: () => ctx.adminToken ?? "",
          system: () => info(ctx),
          power: (action) => ctx.power(action, "api"),
        });
        const n = ctx.config.network;
        const server = startServer(app, { ...apiAddress(ctx), tls: n.management_tls ? { cert: n.tls_cert, key: n.tls_key } : undefined });
        ctx.apiUrl = server.url;
        ctx.services.push({ name: "api", stop: () => server.stop() });
        return `listening on ${server.url}`;
      },
    }),
    defineStep({
      name: "repl",
      required: false,
      describe: () => "aios-repl < /dev/console > /dev/console",
      run: (ctx) => {
        const repl: Repl = new Repl({
          input: process.stdin,
          output: process.stdout,
          commands: builtins,
          deps: {
            system: () => info(ctx),
            phases: () => ctx.report.phases,
            shell: () => repl.lend(() => consoleShell(ctx.config.boot.shell, ctx.mode === "pid1")),
            power: (action) => ctx.power(action, "console"),
          },
        });
        ctx.afterReady.push(() => repl.start());
        ctx.services.push({ name: "repl", stop: () => repl.stop() });
        return process.stdin.isTTY ? "on the console (raw)" : "on stdin (lines)";
      },
    }),
  ],
});
