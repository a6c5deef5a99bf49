import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certifyTestTarget } from "./helpers/certify.js";
import { accountRuns, emptyLoad, loadLines, percentile, summarizeLoad } from "../src/report/load.js";
import type { RunResult } from "../src/report/types.js";
import { runCli, startCliUntil } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import type { Certification } from "../src/report/certification.js";

const LOAD = ["--settle-ms", "1500", "--timeout-ms", "5000", "--no-canary"];

describe("load mode (--repeat N --concurrency C) against the test target", () => {
  it("accounts for every run exactly, with latency percentiles per operation, in the reports and the summary", { timeout: 120_000 }, async () => {
    const { code, cert, leftovers, stdout, stderr, reportDir } = await certifyTestTarget(
      [],
      [...LOAD, "--only", "thread-run,stateless-run,stateless-batch", "--repeat", "20", "--concurrency", "8"],
    );
    expect(code, stderr).toBe(0);
    const load = cert.load!;
    expect({ runs: load.runs, delivered: load.delivered, lost: load.lost, duplicates: load.duplicates, strays: load.strays, exact: load.exact }).toEqual({
      // A batch case makes three runs per repetition.
      runs: 100,
      delivered: 100,
      lost: 0,
      duplicates: 0,
      strays: 0,
      exact: true,
    });
    expect(load.operations.map((o) => `${o.operation}:${o.runs}`)).toEqual(["POST /threads/{thread_id}/runs:20", "POST /runs:20", "POST /runs/batch:60"]);
    for (const o of load.operations) expect(o.p50Ms! <= o.p95Ms! && o.p95Ms! <= o.p99Ms!, o.operation).toBe(true);
    const threadRun = cert.cases.find((c) => c.id === "thread-run")!;
    expect(threadRun.load?.latenciesMs).toHaveLength(20);
    expect(stdout).toMatch(/Load: 20 repetitions of each case, 8 at once: 100 runs, 100 delivered, 0 lost, 0 duplicates, 0 stray requests; accounting exact\./);
    expect(stderr).toMatch(/load: 60 of 60 repetitions done/);
    const markdown = await readFile(join(reportDir, "certification.md"), "utf8");
    // Both latency figures are never negative here: the test target's clock is this machine's.
    expect(markdown).toMatch(/\| POST \/runs\/batch \| 60 \| 60 \| 0 \| 0 \| \d+ \/ \d+ \/ \d+ ms \| \d+ \/ \d+ \/ \d+ ms \| 0 \|/);
    expect(Math.min(...threadRun.load!.latenciesMs)).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(reportDir, "junit.xml"))).toBe(false);
    expect(leftovers).toBe(0);
  });

  it("counts each lost delivery: the test target that loses the first webhook of each operation loses exactly one of twenty", { timeout: 120_000 }, async () => {
    const { code, cert } = await certifyTestTarget(["flaky"], [...LOAD, "--only", "thread-run", "--repeat", "20", "--concurrency", "5"]);
    expect(code).toBe(1);
    expect(cert.load).toMatchObject({ runs: 20, delivered: 19, lost: 1, duplicates: 0, exact: false });
    const thread = cert.cases.find((c) => c.id === "thread-run")!;
    expect(thread.load?.failedRepetitions).toBe(1);
    expect(thread.checks.find((k) => k.name === "delivered")?.outcome).toBe("failed");
    // The report shows the repetition that failed, not all twenty.
    expect(thread.runs.map((r) => r.deliveries)).toEqual([0]);
  });

  it("counts duplicates that arrive after a run was judged, within the one settle window at the end", { timeout: 120_000 }, async () => {
    const { code, cert } = await certifyTestTarget(["duplicate-delayed"], [...LOAD, "--only", "thread-run", "--repeat", "10", "--concurrency", "10"]);
    expect(code).toBe(1);
    expect(cert.load).toMatchObject({ runs: 10, delivered: 10, lost: 0, duplicates: 10, exact: false });
    expect(cert.cases[0]!.checks.find((k) => k.name === "exactly-once")?.outcome).toBe("failed");
  });
});

describe("accounting", () => {
  const run = (expected: NonNullable<RunResult["expected"]>, deliveries: number, extra: Partial<RunResult> = {}): RunResult => ({
    label: "r",
    webhookUrl: "http://sink/hook/k?token=t",
    created: {},
    deliveries,
    expected,
    timings: deliveries > 0 ? { endToDeliveryMs: 7, createdToDeliveryMs: 40 } : {},
    checks: [],
    ...extra,
  });

  it("counts runs that must be announced, and duplicates wherever they come", () => {
    const load = emptyLoad(1);
    accountRuns(load, [run("required", 1), run("required", 0), run("recommended", 0), run("optional", 0), run("none", 0), run("recommended", 2, { duplicates: 1 })]);
    expect(load).toMatchObject({ runs: 2, delivered: 1, lost: 1, duplicates: 1, requests: 3, latenciesMs: [7], createdLatenciesMs: [40] });
  });

  it("leaves a delivery that came before its own run_ended_at out of the latency figures, and counts it as clock skew", () => {
    const load = emptyLoad(1);
    accountRuns(load, [run("required", 1), run("required", 1, { timings: { endToDeliveryMs: -480, clockSkew: true, createdToDeliveryMs: 35 } })]);
    expect(load).toMatchObject({ latenciesMs: [7], createdLatenciesMs: [40, 35], skewed: 1 });
    const passed = { id: "c", operation: "POST /runs", title: "", outcome: "passed" as const, deliveries: 2, durationMs: 1, reproduce: "", checks: [], runs: [], load };
    const summary = summarizeLoad([passed], { repeat: 1, concurrency: 1 }, 0, 0);
    expect(summary.operations[0]).toMatchObject({ p50Ms: 7, createdP50Ms: 35, skewed: 1 });
    expect(loadLines(summary).join("\n")).toMatch(/run_ended_at to delivery p50 7 ms.*create call to delivery p50 35 ms.*1 left out: their run_ended_at is off this machine's clock \(before the create call, or after the arrival\)/);
  });

  it("is exact only without losses, duplicates, strays or dropped requests", () => {
    const passed = { id: "c", operation: "POST /runs", title: "", outcome: "passed" as const, deliveries: 1, durationMs: 1, reproduce: "", checks: [], runs: [] };
    const clean = { ...passed, load: { ...emptyLoad(1), runs: 1, delivered: 1, requests: 1, latenciesMs: [3] } };
    expect(summarizeLoad([clean], { repeat: 1, concurrency: 1 }, 0, 0).exact).toBe(true);
    expect(summarizeLoad([clean], { repeat: 1, concurrency: 1 }, 1, 0).exact).toBe(false);
    expect(summarizeLoad([clean], { repeat: 1, concurrency: 1 }, 0, 1).exact).toBe(false);
    expect(summarizeLoad([{ ...clean, load: { ...clean.load, duplicates: 1 } }], { repeat: 1, concurrency: 1 }, 0, 0).exact).toBe(false);
  });
});

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 95, 99].map((p) => percentile(values, p))).toEqual([50, 95, 99]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("Ctrl-C in load mode", () => {
  it("stops at once, starts no more repetitions and leaves nothing on the target", { timeout: 60_000 }, async () => {
    // Runs of 300 ms, 400 of them 10 at once: twelve seconds of work if nothing stopped it.
    const target = await startTestTarget({ runMs: 300 });
    const dir = await mkdtemp(join(tmpdir(), "lgwc-load-int-"));
    try {
      const cli = await startCliUntil(["--target", target.url, ...LOAD, "--only", "thread-run", "--repeat", "400", "--concurrency", "10", "--report-dir", dir], (stderr) =>
        /load: \d+ of 400 repetitions done/.test(stderr),
      );
      const stopped = Date.now();
      expect(await cli.stop("SIGINT")).toBe(130);
      expect(Date.now() - stopped).toBeLessThan(5_000);
      const tagged = target.threads().filter((t) => "lg_webhook_conformance" in ((t.metadata as Record<string, unknown> | undefined) ?? {}));
      expect(tagged).toEqual([]);
      expect(JSON.parse(await readFile(join(dir, "certification.json"), "utf8"))).toMatchObject({ verdict: null, exitCode: 130 });
    } finally {
      await target.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("load mode in shares", () => {
  it("merges the shares' accounting into one", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({});
    const dirs = await Promise.all([1, 2, 3].map(() => mkdtemp(join(tmpdir(), "lgwc-load-shard-"))));
    try {
      const args = (i: number): string[] => ["--target", target.url, ...LOAD, "--only", "thread-run,stateless-run", "--repeat", "5", "--concurrency", "5", "--shard", `${i + 1}/2`, "--report-dir", dirs[i]!];
      const shares = await Promise.all([0, 1].map((i) => runCli(args(i))));
      for (const share of shares) expect(share.code, share.stderr).toBe(0);
      const merged = await runCli(["merge", dirs[0]!, dirs[1]!, "--report-dir", dirs[2]!]);
      expect(merged.code, merged.stderr).toBe(0);
      const cert = JSON.parse(await readFile(join(dirs[2]!, "certification.json"), "utf8")) as Certification;
      expect(cert.load).toMatchObject({ repeat: 5, runs: 10, delivered: 10, exact: true });
      expect(cert.load!.operations.map((o) => o.operation)).toEqual(["POST /threads/{thread_id}/runs", "POST /runs"]);
    } finally {
      await target.close();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    }
  });
});
