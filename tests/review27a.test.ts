/**
 * Review 27a (hostile review): false verdicts found by driving the suite against the test target.
 * Each test asserts the correct verdict, and fails on the code as reviewed.
 */
import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];

type Cert = Awaited<ReturnType<typeof certifyTestTarget>>["cert"];
const caseOf = (cert: Cert, id: string) => cert.cases.find((c) => c.id === id)!;
const check = (cert: Cert, id: string, name: string) => caseOf(cert, id).checks.find((k) => k.name === name)!;

describe("review 27a: an early webhook on a server whose GET says a status outside the enum while the run runs", () => {
  it("1: announced success as the run starts, GET says \"in_progress\" meanwhile: terminal-status fails (an unknown status is no end)", { timeout: 120_000 }, async () => {
    const only = "thread-run,stateless-run";
    const { code, cert } = await certifyTestTarget(["announce-at-start-running-as=in_progress"], [...FAST, "--only", only], { runMs: 3000 });
    for (const id of only.split(",")) {
      const timings = caseOf(cert, id).runs[0]!.timings;
      expect(timings.createdToDeliveryMs!, id).toBeLessThan(timings.createdToTerminalMs! - 500);
      expect(check(cert, id, "terminal-status").outcome, id).not.toBe("passed");
    }
    expect(cert.verdict).not.toBe("conformant");
    expect(code).not.toBe(0);
  });
});

describe("review 27a: a successful run announced with an error field", () => {
  it("2: status success with error {error, message} (the contract: error only when the run failed) is not conformant", { timeout: 120_000 }, async () => {
    const only = "thread-run,stateless-run-wait";
    const { code, cert } = await certifyTestTarget(["error-on-success"], [...FAST, "--only", only]);
    for (const id of only.split(",")) expect(caseOf(cert, id).outcome, id).toBe("failed");
    expect(cert.verdict).toBe("non-conformant");
    expect(code).toBe(1);
  });
});

describe("review 27a: a correct server whose reads come from a replica 2 s behind", () => {
  it("3: the run's end shows in GET 2 s after its webhook (stale \"running\", as the 404 after a create): terminal-status does not fail", { timeout: 180_000 }, async () => {
    const only = "thread-run,thread-run-error";
    // The run takes 4 s and is announced as it ends; GET lags 2 s behind (404 after the create, "running" after the end).
    const { cert } = await certifyTestTarget(["stale-read=2000"], ["--workers", "1", "--no-canary", "--only", only], { runMs: 4000 });
    for (const id of only.split(",")) {
      const run = caseOf(cert, id).runs[0]!;
      // The suite's own join saw the end before the webhook came.
      expect(run.timings.createdToTerminalMs!, id).toBeLessThanOrEqual(run.timings.createdToDeliveryMs! + 500);
      expect(check(cert, id, "terminal-status").outcome, `${id}: ${check(cert, id, "terminal-status").message}`).not.toBe("failed");
    }
    expect(cert.verdict).not.toBe("non-conformant");
  });
});

describe("review 27a: a premise read from a field the target does not give", () => {
  it("4: a fake interrupt (the run runs on) on a server whose GET on a thread has no status is not passed (the thread's busy status is missing evidence)", { timeout: 180_000 }, async () => {
    const only = "thread-run-cancel-interrupt,stateless-run-cancel-interrupt,thread-multitask-interrupt";
    const { code, cert } = await certifyTestTarget(["fake-interrupt-statusless-threads"], [...FAST, "--only", only]);
    for (const id of only.split(",")) expect(check(cert, id, "outcome-premise").outcome, id).not.toBe("passed");
    expect(cert.verdict).not.toBe("conformant");
    expect(code).toBe(1);
  });
});
