import { describe, expect, it } from "vitest";
import { TargetClient } from "../src/api/client.js";
import { runTag, sweep } from "../src/api/cleanup.js";
import { hostileServer, json } from "./helpers/hostile.js";

describe("a sweep's time bound", () => {
  it("binds each call, so a target that never answers a read holds it no longer than the bound, and the item unread is a problem to retry", { timeout: 30_000 }, async () => {
    const tag = runTag("2026-12-02T00-00-00-000Z-bound");
    const threads = [1, 2, 3].map((n) => ({ thread_id: `00000000-0000-4000-8000-00000000000${n}`, metadata: tag }));
    const held: string[] = [];
    const target = await hostileServer((req, res) => {
      if (req.method === "POST" && req.url === "/threads/search") return json(res, 200, threads);
      // Every read of one thread hangs: the target is slow, not hostile about whose the thread is.
      held.push(`${req.method} ${req.url}`);
    });
    try {
      const started = Date.now();
      const result = await sweep(new TargetClient({ baseUrl: target.url }), tag, { crons: false, budgetMs: 1_500 });
      const elapsed = Date.now() - started;
      // Each call on its own would wait 10 s; the sweep stops within its bound, plus the client's margin.
      expect(elapsed).toBeLessThan(7_000);
      expect(held).toHaveLength(1);
      expect(result.threads).toBe(0);
      expect(result.ignored).toBe(0);
      expect(result.problems.join("\n")).toMatch(/thread 00000000-0000-4000-8000-000000000001 was left alone: GET \/threads\/00000000-0000-4000-8000-000000000001 failed .*; run cleanup again/);
      expect(result.problems.join("\n")).toMatch(/the sweep stopped before it had looked at every thread listed \(run cleanup again\)/);
    } finally {
      await target.close();
    }
  });

  it("a listing not asked because the time was up says so, rather than counting what it never listed", { timeout: 30_000 }, async () => {
    const tag = runTag("2026-12-02T00-00-00-000Z-bound");
    let crons = 0;
    const target = await hostileServer((req, res) => {
      // The cron listing hangs past the whole bound; the thread listing would answer at once.
      if (req.url === "/runs/crons/search") {
        crons += 1;
        return;
      }
      json(res, 200, []);
    });
    try {
      const result = await sweep(new TargetClient({ baseUrl: target.url }), tag, { crons: true, budgetMs: 1_000 });
      expect(crons).toBe(1);
      expect(result.problems.join("\n")).toMatch(/POST \/runs\/crons\/search could not list them/);
      expect(result.problems.join("\n")).toMatch(/POST \/threads\/search was not asked: the time allowed was up \(run cleanup again\)/);
      expect(result.problems.join("\n")).not.toMatch(/listed more than 0/);
    } finally {
      await target.close();
    }
  });
});
