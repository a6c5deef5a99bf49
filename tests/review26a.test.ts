/**
 * Review 26a (hostile review): false verdicts found by driving the suite against the test target.
 * Each test asserts the correct verdict, and fails on the code as reviewed.
 */
import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];

type Cert = Awaited<ReturnType<typeof certifyTestTarget>>["cert"];
const caseOf = (cert: Cert, id: string) => cert.cases.find((c) => c.id === id)!;
const check = (cert: Cert, id: string, name: string) => caseOf(cert, id).checks.find((k) => k.name === name)!;

describe("a webhook sent before the run ended (review 26a)", () => {
  // Left open (see the session note): a run that ends before the lag is over is never shown running, and passes.
  it("1: announced success as the run starts, on a server whose GET lags the create by 1.2 s (404 until then, longer than the check's grace), fails terminal-status", { timeout: 120_000 }, async () => {
    const only = "thread-run,stateless-run";
    // The run takes 3 s; its webhook (status success, the values it will end with) goes out as it starts. The
    // read replica shows the run 1.2 s after the create: never within the 1 s the early check first reads for, so it reads on.
    const { code, cert } = await certifyTestTarget(["announce-at-start-lag=1200"], [...FAST, "--only", only], { runMs: 3000 });
    for (const id of only.split(",")) {
      const timings = caseOf(cert, id).runs[0]!.timings;
      expect(timings.createdToDeliveryMs!, id).toBeLessThan(timings.createdToTerminalMs! - 500);
      expect(check(cert, id, "terminal-status"), id).toMatchObject({ outcome: "failed" });
    }
    expect(cert.verdict).toBe("non-conformant");
    expect(code).toBe(1);
  });
});

describe("a correct target whose reads lag its creates (review 26a)", () => {
  it("3: GET on a run answers 404 for 500 ms after its create (a read replica): the cancel and double-texting cases are not failed as 'could not run this operation'", { timeout: 180_000 }, async () => {
    const only = "thread-run-cancel-interrupt,thread-run-cancel-pending,stateless-run-cancel-rollback,thread-multitask-interrupt,thread-multitask-enqueue";
    // The early-webhook check already treats such a 404 as saying nothing (review 25a); the cases' own reads take it as the target's fault.
    const { cert } = await certifyTestTarget(["read-lag=500"], [...FAST, "--only", only]);
    for (const id of only.split(",")) expect(caseOf(cert, id).outcome, `${id}: ${caseOf(cert, id).reason ?? ""}`).not.toBe("failed");
    expect(cert.verdict).not.toBe("non-conformant");
  });
});
