/**
 * Review 28a (hostile review): false verdicts found by driving the suite against the test target.
 * Each test asserts the correct verdict, and fails on the code as reviewed.
 */
import { describe, expect, it } from "vitest";
import { certifyTestTarget } from "./helpers/certify.js";

const FAST = ["--settle-ms", "1500", "--timeout-ms", "5000", "--cron-timeout-ms", "5000", "--workers", "1", "--no-canary"];

type Cert = Awaited<ReturnType<typeof certifyTestTarget>>["cert"];
const caseOf = (cert: Cert, id: string) => cert.cases.find((c) => c.id === id)!;
const check = (cert: Cert, id: string, name: string) => caseOf(cert, id).checks.find((k) => k.name === name)!;

describe("review 28a: an early webhook on a server whose GET never moves a run's updated_at", () => {
  it("1: announced success as the run starts (3 s before its end), updated_at frozen at creation: terminal-status does not pass", { timeout: 120_000 }, async () => {
    const only = "thread-run,stateless-run";
    const { code, cert } = await certifyTestTarget(["announce-at-start-frozen-updated-at"], [...FAST, "--only", only], { runMs: 3000 });
    for (const id of only.split(",")) {
      const timings = caseOf(cert, id).runs[0]!.timings;
      expect(timings.createdToDeliveryMs!, id).toBeLessThan(timings.createdToTerminalMs! - 1500);
      expect(check(cert, id, "terminal-status").outcome, id).not.toBe("passed");
    }
    expect(cert.verdict).not.toBe("conformant");
    expect(code).not.toBe(0);
  });
});

describe("review 28a: an interrupt announced early on a server whose GET never moves a run's updated_at", () => {
  it("1b: interrupted announced at the cancel, the run stops 3 s later, updated_at frozen: terminal-status does not pass", { timeout: 120_000 }, async () => {
    const only = "thread-run-cancel-interrupt,stateless-run-cancel-interrupt";
    const { code, cert } = await certifyTestTarget(["announce-cancel-early-frozen-updated-at"], [...FAST, "--only", only], { runMs: 3000 });
    for (const id of only.split(",")) {
      const timings = caseOf(cert, id).runs[0]!.timings;
      expect(timings.createdToDeliveryMs!, id).toBeLessThan(timings.createdToTerminalMs! - 1500);
      expect(check(cert, id, "terminal-status").outcome, id).not.toBe("passed");
    }
    expect(cert.verdict).not.toBe("conformant");
    expect(code).not.toBe(0);
  });
});

describe("review 28a: a correct server whose replica lags, on a stateless run deleted at its end", () => {
  it("2: GET shows the deleted run \"running\" for 2 s after its end, then 404: terminal-status does not fail", { timeout: 180_000 }, async () => {
    const only = "stateless-run-default";
    const { cert } = await certifyTestTarget(["stale-read-deleted=2000"], ["--workers", "1", "--no-canary", "--only", only], { runMs: 4000 });
    for (const id of only.split(",")) {
      const ts = check(cert, id, "terminal-status");
      expect(ts.outcome, `${id}: ${ts.message}`).not.toBe("failed");
    }
    expect(cert.verdict).not.toBe("non-conformant");
  });
});

describe("review 28a: a correct server whose replica lags, on the runs a cron fires", () => {
  it("3: stale-read=2000 (as review 27a's correct server): status-matches-api does not fail a cron's extra fired run", { timeout: 180_000 }, async () => {
    const only = "thread-cron,stateless-cron";
    const { cert } = await certifyTestTarget(["stale-read=2000"], ["--workers", "1", "--no-canary", "--only", only], { runMs: 4000 });
    for (const id of only.split(",")) {
      const k = check(cert, id, "status-matches-api");
      expect(k.outcome, `${id}: ${k.message}`).not.toBe("failed");
    }
    expect(cert.verdict).not.toBe("non-conformant");
  });
});

describe("review 28a: a fake interrupt on a server whose GET on the (kept) thread answers 404 while the run runs on", () => {
  it("4: the thread the suite created and never deleted reads 404: the interrupt premise is not passed", { timeout: 120_000 }, async () => {
    const only = "thread-run-cancel-interrupt,thread-multitask-interrupt";
    const { code, cert } = await certifyTestTarget(["fake-interrupt-thread-404"], [...FAST, "--only", only]);
    for (const id of only.split(",")) expect(check(cert, id, "outcome-premise").outcome, id).not.toBe("passed");
    expect(cert.verdict).not.toBe("conformant");
    expect(code).not.toBe(0);
  });
});
