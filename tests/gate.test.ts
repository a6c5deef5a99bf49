import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateGate } from "../src/report/gate.js";
import type { CaseResult } from "../src/report/types.js";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";
import type { Certification } from "../src/report/certification.js";

function caseResult(id: string, outcome: CaseResult["outcome"], failed: string[] = []): CaseResult {
  return {
    id,
    operation: "POST /runs",
    title: id,
    outcome,
    deliveries: 1,
    durationMs: 1,
    reproduce: "",
    runs: [],
    checks: failed.map((name) => ({ name, severity: "required", version: 1, outcome: "failed", message: "m" })),
  };
}

describe("the gate", () => {
  const cases = [caseResult("a", "failed", ["delivered"]), caseResult("b", "passed"), caseResult("c", "skipped")];

  it("forgives expected failures and fails on new ones", () => {
    expect(evaluateGate(cases, [{ case: "a", check: "delivered", reason: "known" }], false)).toMatchObject({ passed: true, unexpected: [] });
    expect(evaluateGate(cases, [], false)).toMatchObject({ passed: false, unexpected: [{ case: "a", check: "delivered" }] });
  });

  it("reports expectations that no longer fail, and fails on them only when strict", () => {
    const stale = [
      { case: "a", check: "*", reason: "known" },
      { case: "b", check: "run-schema", reason: "fixed since" },
      { case: "c", check: "delivered", reason: "not run this time" },
    ];
    expect(evaluateGate(cases, stale, false)).toMatchObject({ passed: true, nowPassing: [{ case: "b", check: "run-schema" }] });
    expect(evaluateGate(cases, stale, true).passed).toBe(false);
  });

  it("does not let a waived failure carry a required check that was never judged (review 19)", () => {
    const mixed = caseResult("m", "failed", ["kwargs-input"]);
    mixed.checks.push({ name: "status-matches-api", severity: "required", version: 2, outcome: "inconclusive", message: "not read back" });
    const waiver = [{ case: "m", check: "kwargs-input", reason: "known" }];
    expect(evaluateGate([mixed], waiver, false)).toMatchObject({ passed: false, unexpected: [], inconclusive: ["m (status-matches-api)"] });
    // A recommended check left unjudged does not hold the gate.
    mixed.checks[1]!.severity = "recommended";
    expect(evaluateGate([mixed], waiver, false)).toMatchObject({ passed: true, inconclusive: [] });
  });

  it("looks at each run's checks: a waived failure on one run does not cover the same check left unjudged on another (review 20)", () => {
    const batch = caseResult("b", "failed", ["status-matches-api"]);
    const run = (outcome: "failed" | "inconclusive") => ({ checks: [{ name: "status-matches-api", severity: "required" as const, version: 2, outcome, message: "m" }] });
    batch.runs = [run("failed"), run("inconclusive")] as unknown as CaseResult["runs"];
    expect(evaluateGate([batch], [{ case: "b", check: "status-matches-api", reason: "known" }], false)).toMatchObject({ passed: false, inconclusive: ["b (status-matches-api)"] });
  });

  it("never passes a flaky case", () => {
    expect(evaluateGate([caseResult("f", "flaky")], [{ case: "f", check: "*", reason: "x" }], false)).toMatchObject({ passed: false, flaky: ["f"] });
  });
});

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function run(faults: string[], args: string[]): Promise<{ code: number | null; stdout: string; cert: Certification }> {
  const target = await startTestTarget({ faults });
  const dir = await mkdtemp(join(tmpdir(), "lgwc-gate-"));
  dirs.push(dir);
  try {
    const result = await runCli(["--target", target.url, "--report-dir", dir, "--settle-ms", "300", "--timeout-ms", "3000", "--workers", "1", "--no-canary", ...args.map((a) => a.replace("$DIR", dir))]);
    const cert = JSON.parse(await readFile(join(dir, "certification.json"), "utf8")) as Certification;
    return { code: result.code, stdout: result.stdout, cert };
  } finally {
    await target.close();
  }
}

describe("--expect-failures and --retries with the built CLI", () => {
  it("passes the gate on expected failures, fails on a new one, and reports stale expectations", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "lgwc-exp-"));
    dirs.push(dir);
    const yaml = join(dir, "expected.yaml");
    await writeFile(yaml, "- case: stateless-run-wait\n  check: delivered\n  reason: the target drops /runs/wait webhooks (tracked)\n");
    const forgiven = await run(["no-delivery-for=runs.wait"], ["--only", "thread-run,stateless-run-wait", "--expect-failures", yaml]);
    expect(forgiven.code).toBe(0);
    expect(forgiven.cert.verdict).toBe("non-conformant");
    expect(forgiven.cert.gate).toMatchObject({ passed: true, expected: [{ case: "stateless-run-wait", check: "delivered" }] });

    const json = join(dir, "expected.json");
    await writeFile(json, JSON.stringify([{ case: "thread-run", check: "delivered", reason: "old bug" }]));
    const fresh = await run(["no-delivery-for=runs.wait"], ["--only", "thread-run,stateless-run-wait", "--expect-failures", json]);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toMatch(/Unexpected: stateless-run-wait\/delivered/);
    expect(fresh.stdout).toMatch(/No longer failing, trim them from --expect-failures: thread-run\/delivered \(old bug\)/);

    const clean = await run([], ["--only", "thread-run", "--expect-failures", json, "--strict-expectations"]);
    expect(clean.code).toBe(1);
    expect(clean.cert.gate).toMatchObject({ passed: false, nowPassing: [{ case: "thread-run" }] });
  });

  it("refuses an expectations file that names an unknown case", { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "lgwc-exp-"));
    dirs.push(dir);
    await writeFile(join(dir, "x.yaml"), "- case: thread-runz\n  check: delivered\n  reason: typo\n");
    const result = await runCli(["--target", "http://127.0.0.1:9", "--expect-failures", join(dir, "x.yaml")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/entry 1 names an unknown case "thread-runz"/);
  });

  it("reports a case that passes only on retry as flaky, which fails the run", { timeout: 120_000 }, async () => {
    const flaky = await run(["flaky"], ["--only", "thread-run,stateless-run", "--retries", "1"]);
    expect(flaky.code).toBe(1);
    expect(flaky.cert.verdict).toBe("non-conformant");
    expect(flaky.cert.summary).toMatchObject({ flaky: 2, failed: 0 });
    expect(flaky.cert.cases.map((c) => c.outcome)).toEqual(["flaky", "flaky"]);
    expect(flaky.stdout).toMatch(/Flaky \(passed only on a retry, which is not passing\): thread-run, stateless-run/);
  });
});
