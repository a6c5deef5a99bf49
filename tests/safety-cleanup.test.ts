import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Certification } from "../src/report/certification.js";
import { startTestTarget, type TestTarget } from "../fixtures/test-target/server.js";
import { RUN_KEY, SUITE_MARK } from "../src/api/cleanup.js";

const QUICK = ["--settle-ms", "300", "--timeout-ms", "5000"];

async function create(target: TestTarget, path: string, body: unknown): Promise<string> {
  const answer = await fetch(`${target.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await answer.json()) as { thread_id?: string; cron_id?: string };
  return json.cron_id ?? json.thread_id!;
}

/** What someone else keeps on the same deployment: an unmarked thread and cron, and a cron of another suite run. */
async function othersItems(target: TestTarget): Promise<{ thread: string; cron: string; otherRunCron: string }> {
  return {
    thread: await create(target, "/threads", { metadata: { owner: "someone-else" } }),
    cron: await create(target, "/runs/crons", { assistant_id: "conformance", schedule: "0 0 1 1 *", metadata: { owner: "someone-else" } }),
    otherRunCron: await create(target, "/runs/crons", { assistant_id: "conformance", schedule: "0 0 1 1 *", metadata: { ...SUITE_MARK, [RUN_KEY]: "another-run" } }),
  };
}

const ids = (items: Record<string, unknown>[], key: string): unknown[] => items.map((i) => i[key]);

describe("a target whose searches ignore the metadata filter", () => {
  it("keeps everything the run did not create: the sweep reads each item's own metadata first", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ faults: ["search-ignores-metadata"], cronIntervalMs: 600_000 });
    try {
      const theirs = await othersItems(target);
      const run = await runCli(["--target", target.url, "--only", "thread-run,stateless-run-stream,stateless-run-wait", "--report-dir", await mkdtemp(join(tmpdir(), "lgwc-safety-")), ...QUICK]);
      expect(run.code, run.stderr).toBe(0);
      expect(ids(target.crons(), "cron_id")).toEqual(expect.arrayContaining([theirs.cron, theirs.otherRunCron]));
      expect(ids(target.threads(), "thread_id")).toContain(theirs.thread);
      // Nothing of the run's own is left, and the user learns why other items were listed and left alone.
      expect(target.threads().filter((t) => (t.metadata as Record<string, unknown>)[RUN_KEY] !== undefined)).toEqual([]);
      expect(run.stderr).toMatch(/returned \d+ item\(s\) without the suite's mark \(it ignores the metadata filter\); they were not touched/);
    } finally {
      await target.close();
    }
  });

  it("`cleanup` removes only items that carry the mark themselves", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["search-ignores-metadata"], cronIntervalMs: 600_000 });
    try {
      const theirs = await othersItems(target);
      const mine = await create(target, "/threads", { metadata: { ...SUITE_MARK, [RUN_KEY]: "killed-run" } });
      const scoped = await runCli(["cleanup", "--target", target.url, "--run", "killed-run"]);
      expect(scoped.code, scoped.stderr).toBe(0);
      expect(scoped.stdout).toMatch(/Removed 0 cron\(s\) and 1 thread\(s\)/);
      expect(ids(target.threads(), "thread_id")).not.toContain(mine);
      // The other run's cron carries the suite's mark but not this tag: untouched by a scoped cleanup.
      expect(ids(target.crons(), "cron_id")).toEqual(expect.arrayContaining([theirs.cron, theirs.otherRunCron]));
      expect(scoped.stderr).toMatch(/without the suite's mark \(it ignores the metadata filter\); they were not touched/);
      const all = await runCli(["cleanup", "--target", target.url]);
      expect(all.code, all.stderr).toBe(0);
      expect(ids(target.crons(), "cron_id")).toEqual([theirs.cron]);
      expect(ids(target.threads(), "thread_id")).toEqual([theirs.thread]);
    } finally {
      await target.close();
    }
  });
});

describe("a target whose create answers name someone else's thread", () => {
  it("never deletes that thread or cancels its runs, and the case fails on the run's identity", { timeout: 90_000 }, async () => {
    const foreign = "0f0f0f0f-0000-4000-8000-00000000f0f0";
    const target = await startTestTarget({ faults: [`answer-thread=${foreign}`], cronIntervalMs: 600_000 });
    try {
      await create(target, "/threads", { thread_id: foreign, metadata: { owner: "someone-else" } });
      const dir = await mkdtemp(join(tmpdir(), "lgwc-safety-"));
      const run = await runCli(["--target", target.url, "--only", "thread-run,thread-run-cancel-pending", "--report-dir", dir, ...QUICK]);
      expect(run.code, run.stderr).toBe(1);
      expect(ids(target.threads(), "thread_id")).toContain(foreign);
      const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
      const identity = cert.cases.find((c) => c.id === "thread-run")!.checks.find((k) => k.name === "run-identity")!;
      // The run is the suite's thread's (review 21): the foreign thread the answer names is never taken for it, so never read, cancelled or deleted.
      expect(identity).toMatchObject({ outcome: "failed", message: expect.stringContaining(`the target named thread_id ${foreign} for the run it created, not`) as string });
      expect(target.arrivals().filter((a) => a.includes(foreign) && !a.startsWith("GET"))).toEqual([]);
      // The cancel goes nowhere near the foreign thread's runs: it must first read the run back there, which fails.
      expect(cert.cases.find((c) => c.id === "thread-run-cancel-pending")!.outcome).toBe("failed");
      await rm(dir, { recursive: true, force: true });
    } finally {
      await target.close();
    }
  });
});

describe("deletions the target answers but does not do, and listings that repeat or hide (review 21b)", () => {
  const marked = (tag: string): Record<string, string> => ({ ...SUITE_MARK, [RUN_KEY]: tag });

  it("a DELETE answered 404 that keeps the item is a leftover said aloud, not counted as removed", { timeout: 90_000 }, async () => {
    const target = await startTestTarget({ faults: ["delete-keeps"], cronIntervalMs: 600_000 });
    try {
      const thread = await create(target, "/threads", { metadata: marked("2020-01-01T00-00-00-000Z-aaaaaa") });
      const cron = await create(target, "/runs/crons", { assistant_id: "conformance", schedule: "0 0 1 1 *", metadata: marked("2020-01-01T00-00-00-000Z-aaaaaa") });
      const cleanup = await runCli(["cleanup", "--target", target.url, "--run", "2020-01-01T00-00-00-000Z-aaaaaa"]);
      expect(cleanup.code).toBe(1);
      expect(cleanup.stdout).toMatch(/Removed 0 cron\(s\) and 0 thread\(s\)/);
      expect(cleanup.stderr).toMatch(new RegExp(`DELETE /runs/crons/${cron} answered HTTP 404, yet the cron is still there when read back`));
      expect(cleanup.stderr).toMatch(new RegExp(`DELETE /threads/${thread} answered HTTP 404, yet the thread is still there when read back`));
      // A run against it names what it could not delete, on the terminal and in its certificate.
      const reportDir = await mkdtemp(join(tmpdir(), "lgwc-safety-"));
      const run = await runCli(["--target", target.url, "--only", "thread-run", "--report-dir", reportDir, ...QUICK]);
      expect(run.stderr).toMatch(/still there when read back/);
      const cert = JSON.parse(await readFile(join(reportDir, "certification.json"), "utf8")) as { leftOnTarget?: string[]; runTag: string };
      expect(cert.leftOnTarget?.join("\n")).toMatch(/still there when read back/);
      expect(await readFile(join(reportDir, "certification.md"), "utf8")).toMatch(new RegExp(`Left on the target by the cleanup \\(remove with \`lg-webhook-conformance cleanup --target URL --run ${cert.runTag}\`\\): .*still there when read back`));
      expect(await readFile(join(reportDir, "certification.html"), "utf8")).toContain("<dt>Left on the target</dt>");
    } finally {
      await target.close();
    }
  });

  it("a search that ignores offset is not counted ten times over", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["search-ignores-offset"], cronIntervalMs: 600_000 });
    try {
      for (let i = 0; i < 150; i += 1) await create(target, "/threads", { metadata: marked("2020-01-01T00-00-00-000Z-bbbbbb") });
      const cleanup = await runCli(["cleanup", "--target", target.url, "--run", "2020-01-01T00-00-00-000Z-bbbbbb"]);
      expect(cleanup.code).toBe(1);
      expect(cleanup.stdout).toMatch(/Removed 0 cron\(s\) and 100 thread\(s\)/);
      expect(cleanup.stderr).toMatch(/gave the same items again for offset 100 \(it ignores offset\)/);
      expect(target.threads()).toHaveLength(50);
    } finally {
      await target.close();
    }
  });

  it("cleanup keeps a recent run's items even where the search lists them without their metadata", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["search-without-metadata"], cronIntervalMs: 600_000 });
    try {
      const recent = new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "Z-cccccc");
      const mine = await create(target, "/threads", { metadata: marked(recent) });
      const old = await create(target, "/threads", { metadata: marked("2020-01-01T00-00-00-000Z-dddddd") });
      const cleanup = await runCli(["cleanup", "--target", target.url]);
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(ids(target.threads(), "thread_id")).toEqual([mine]);
      expect(ids(target.threads(), "thread_id")).not.toContain(old);
      expect(cleanup.stderr).toMatch(/belong to runs that began in the last hour/);
    } finally {
      await target.close();
    }
  });

  it("a cron whose DELETE is answered 404 and that then cannot be looked for is not counted as removed (review 22b)", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["delete-keeps", "cron-unreadable-after-delete"], cronIntervalMs: 600_000 });
    try {
      const cron = await create(target, "/runs/crons", { assistant_id: "conformance", schedule: "0 0 1 1 *", metadata: marked("2020-01-01T00-00-00-000Z-eeeeee") });
      const cleanup = await runCli(["cleanup", "--target", target.url, "--run", "2020-01-01T00-00-00-000Z-eeeeee"]);
      expect(cleanup.code).toBe(1);
      expect(cleanup.stdout).toMatch(/Removed 0 cron\(s\)/);
      expect(cleanup.stderr).toMatch(new RegExp(`DELETE /runs/crons/${cron} answered HTTP 404, but whether the cron is gone could not be read back`));
      expect(ids(target.crons(), "cron_id")).toEqual([cron]);
    } finally {
      await target.close();
    }
  });

  it("cleanup keeps a recent run's items where the search lists only the metadata it filtered by (review 22b)", { timeout: 60_000 }, async () => {
    const target = await startTestTarget({ faults: ["search-filtered-metadata"], cronIntervalMs: 600_000 });
    try {
      const recent = new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "Z-ffffff");
      const mine = await create(target, "/threads", { metadata: marked(recent) });
      await create(target, "/threads", { metadata: marked("2020-01-01T00-00-00-000Z-gggggg") });
      const cleanup = await runCli(["cleanup", "--target", target.url]);
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(ids(target.threads(), "thread_id")).toEqual([mine]);
    } finally {
      await target.close();
    }
  });
});
