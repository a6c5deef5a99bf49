/**
 * Review 22 (hostile reviews 22a and 22b): what a certificate covers when settings judge less,
 * and merge refusing shares run with different ones. Each test failed before its fix.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certifyTestTarget } from "./helpers/certify.js";
import { runCli } from "./helpers/cli.js";
import { startTestTarget } from "../fixtures/test-target/server.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("a certificate's scope names the settings that judged less (review 22)", () => {
  it("a hardening check skipped is a required check left out", { timeout: 120_000 }, async () => {
    const { cert } = await certifyTestTarget([], [...FAST, "--profile", "hardening", "--only", "hardening-webhook-empty", "--skip", "refused-at-create"]);
    expect(cert.scope.complete).toBe(false);
    expect(cert.scope.reasons.join("; ")).toMatch(/required check\(s\) left out: refused-at-create/);
  });

  it("a clock skew above the suite's, and an --input of the user's, are reasons the certificate is partial", { timeout: 120_000 }, async () => {
    const { cert } = await certifyTestTarget([], [...FAST, "--only", "thread-run", "--clock-skew-ms", "86400000", "--input", '{"mode":"succeed","note":"mine"}']);
    const reasons = cert.scope.reasons.join("; ");
    expect(reasons).toMatch(/--clock-skew-ms 86400000 lets the target's times be off by more than the suite's 120000 ms/);
    expect(reasons).toMatch(/the cases ran with --input \{"mode":"succeed","note":"mine"\}/);
    expect(cert.clockSkewMs).toBe(86_400_000);
  });

  it("merge refuses shares run with another clock skew or input", { timeout: 120_000 }, async () => {
    const target = await startTestTarget({ cronIntervalMs: 600_000 });
    const base = await mkdtemp(join(tmpdir(), "lgwc-r22-"));
    dirs.push(base);
    const common = ["--target", target.url, ...FAST, "--only", "thread-run,stateless-run"];
    try {
      const one = await runCli([...common, "--shard", "1/2", "--report-dir", join(base, "s1")]);
      const two = await runCli([...common, "--shard", "2/2", "--clock-skew-ms", "86400000", "--report-dir", join(base, "s2")]);
      expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0]);
      const merged = await runCli(["merge", join(base, "s1"), join(base, "s2"), "--report-dir", join(base, "m")]);
      expect(merged.code).toBe(2);
      expect(merged.stderr).toMatch(/was run with another clock skew than/);
    } finally {
      await target.close();
    }
  });
});

describe("when the webhook came, against when the run ended (review 22a)", () => {
  it("a webhook announcing success as the run starts, while GET says running for 3 s, fails terminal-status", { timeout: 120_000 }, async () => {
    const { code, cert } = await certifyTestTarget(["announce-at-start"], [...FAST, "--only", "thread-run,stateless-run,thread-run-stream"], { runMs: 3000 });
    expect(code).toBe(1);
    for (const id of ["thread-run", "stateless-run", "thread-run-stream"]) {
      const check = cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "terminal-status")!;
      expect(check, id).toMatchObject({ outcome: "failed", message: expect.stringMatching(/came before the run ended: GET on the run still answered status "running" \d+ ms after its webhook arrived/) as string });
    }
  });

  it("a correct run that outlasts --timeout-ms, announced as it ends, is not a failure", { timeout: 120_000 }, async () => {
    const { cert } = await certifyTestTarget([], ["--only", "thread-run,stateless-run", "--settle-ms", "5000", "--timeout-ms", "5000", "--workers", "1", "--no-canary"], { runMs: 8000 });
    expect(cert.verdict).not.toBe("non-conformant");
    const failed = cert.cases.flatMap((c) => c.checks.filter((k) => k.outcome === "failed").map((k) => `${c.id}/${k.name}`));
    expect(failed).toEqual([]);
  });

  it("a webhook announced early is caught whatever the join says, on a run deleted at its end too (review 23)", { timeout: 120_000 }, async () => {
    const only = "thread-run,stateless-run,stateless-run-default";
    const { code, cert } = await certifyTestTarget(["announce-at-start-later", "join-at-once"], [...FAST, "--settle-ms", "5000", "--only", only], { runMs: 4000 });
    expect(code).toBe(1);
    for (const id of ["thread-run", "stateless-run"]) {
      expect(cert.cases.find((c) => c.id === id)!.checks.find((k) => k.name === "terminal-status"), id).toMatchObject({ outcome: "failed" });
    }
    // A run deleted at its end has no updated_at to read, and a join that answers at once says it ended first: nothing
    // tells this from a read replica that lags behind a correct server (review 28a), so it is not passed, and not failed.
    expect(cert.cases.find((c) => c.id === "stateless-run-default")!.checks.find((k) => k.name === "terminal-status")).toMatchObject({ outcome: "inconclusive" });
  });

  it("a correct run that outlasts --timeout-ms makes a wait case inconclusive, not a failure of the target (review 23)", { timeout: 120_000 }, async () => {
    const { cert } = await certifyTestTarget([], ["--only", "thread-run-wait,stateless-run-wait,stateless-run-default", "--settle-ms", "5000", "--timeout-ms", "5000", "--workers", "1", "--no-canary"], { runMs: 8000 });
    const failed = cert.cases.flatMap((c) => (c.outcome === "failed" ? [`${c.id}: ${c.reason ?? c.checks.filter((k) => k.outcome === "failed").map((k) => k.name).join(",")}`] : []));
    expect(failed).toEqual([]);
    expect(cert.cases.find((c) => c.id === "thread-run-wait")!).toMatchObject({ outcome: "inconclusive", reason: expect.stringMatching(/did not answer within --timeout-ms \(\d+ ms\)/) as string });
  });

  it("a slow cron's extra fired runs are not failed for a status read before their own webhook came (review 23)", { timeout: 120_000 }, async () => {
    const { cert } = await certifyTestTarget([], [...FAST, "--only", "thread-cron,stateless-cron,cron-patch"], { runMs: 8000 });
    const failed = cert.cases.flatMap((c) => c.checks.filter((k) => k.outcome === "failed").map((k) => `${c.id}/${k.name}`));
    expect(failed).toEqual([]);
  });
});
