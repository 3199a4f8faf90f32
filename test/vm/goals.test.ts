/**
 * Goals survive a hard power cut: every goal the API acknowledged is still
 * there after QEMU is killed mid-run and the machine boots again; the one
 * that was running is rolled back and failed with the reason, the pending
 * ones resume and finish.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFinalGoalState } from "../../src/orchestrator/goals/machine";
import { freshDataImage, OUT, Vm } from "../harness/vm";

const PROMPT = /aios> $/;

describe("goals across a power cut", () => {
  test("no acknowledged goal is lost; interrupted ones fail with the reason, pending ones resume", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-powercut-"));
    const dataImg = freshDataImage(dir);
    const ids: number[] = [];
    const first = Vm.boot({ dataImg, repoImg: join(OUT, "repo.img"), cmdlineExtra: "aios.autonomy_level=full aios.orchestrator.max_concurrent_goals=1" });
    try {
      await first.waitFor(PROMPT, 120_000);
      for (const goal of ["Install nginx", "show disk usage", "show memory usage", "check port 9090", "show process usage"]) {
        const res = await first.api("/api/v1/goals", { method: "POST", body: JSON.stringify({ goal }) });
        expect(res.status).toBe(202);
        ids.push(((await res.json()) as { id: number }).id);
      }
      // Cut the power while the first goal runs (installing nginx takes seconds under TCG).
      for (let i = 0; i < 200; i++) {
        const g = (await (await first.api(`/api/v1/goals/${ids[0]}`)).json()) as any;
        if (g.state === "running" && g.trace.some((e: any) => e.kind === "task")) break;
        await Bun.sleep(50);
      }
    } finally {
      await first.dispose(); // SIGKILL: no shutdown, no sync, no unmount
    }

    const again = Vm.boot({ dataImg, repoImg: join(OUT, "repo.img"), cmdlineExtra: "aios.autonomy_level=full" });
    try {
      await again.waitFor(PROMPT, 120_000);
      const listed = ((await (await again.api("/api/v1/goals?limit=100")).json()) as any).goals.map((g: any) => g.id);
      for (const id of ids) expect(listed).toContain(id);
      const interrupted = (await (await again.api(`/api/v1/goals/${ids[0]}`)).json()) as any;
      expect(interrupted.state).toBe("failed");
      expect(interrupted.error).toMatch(/^interrupted by a restart while running/);
      for (const id of ids.slice(1)) {
        for (let i = 0; ; i++) {
          const g = (await (await again.api(`/api/v1/goals/${id}`)).json()) as any;
          if (isFinalGoalState(g.state)) {
            expect(g.state).toBe("done");
            break;
          }
          if (i > 600) throw new Error(`goal ${id} still ${g.state}`);
          await Bun.sleep(100);
        }
      }
      await again.run("shell", /aios-sh# $/);
      expect(await again.run("test -e /usr/sbin/nginx && echo NGINX || echo NO-NGINX", /aios-sh# $/)).toContain("NO-NGINX");
      await again.run("exit", PROMPT);
      again.type("poweroff\r");
      expect(await again.waitExit()).toBe(0);
    } finally {
      await again.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
